extern alias web;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Relay.Cluster.Tests.Observability;

/// <summary>The web host's Prometheus endpoint after a few triggers (metrics key only, no personal data), and the dashboard behind the operator key.</summary>
[Collection(ProcessWideMetersCollection.Name)]
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private const string AdminKey = "metrics-admin-key";
    private const string MetricsKey = "metrics-scrape-key";
    private readonly WebApplicationFactory<web::Program> _web = new EmbeddedWeb();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _web.DisposeAsync();

    [Fact]
    public async Task The_metrics_endpoint_exposes_the_pipeline_instruments_to_the_metrics_key_only_and_no_personal_data()
    {
        using var http = _web.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        using var scraper = _web.CreateClient();
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:" + MetricsKey)));
        using var anonymous = _web.CreateClient();
        (await anonymous.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await scraper.GetAsync("/api/tenants/demo/contacts/c-10293")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "the metrics key opens nothing else");
        // The demo tenant's pricing automation: Ann is one person (three actions), info@nordic.example two (a lead).
        // Ann's click is sent again in a batch of its own (a batch may not repeat an id), and is dropped as a duplicate.
        const string ann = """{"id":"m-1","type":"email.clicked","occurredAt":"2026-11-29T10:15:00Z","contact":{"id":"c-10293","email":"ann.berg@example.com"},"link":{"url":"https://example.com/pricing"}}""";
        const string nordic = """{"id":"m-2","type":"email.clicked","occurredAt":"2026-11-29T10:16:00Z","contact":{"id":"c-20411","email":"info@nordic.example"},"link":{"url":"https://example.com/pricing"}}""";
        foreach (var batch in new[] { $"[{ann},{nordic}]", $"[{ann}]" })
        {
            using var content = new StringContent(batch, Encoding.UTF8, "application/json");
            (await http.PostAsync("/api/tenants/demo/triggers", content)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        string[] instruments =
        [
            "relay_triggers_received_total", "relay_triggers_processed_total", "relay_triggers_deduplicated_total", "relay_actions_total",
            "relay_crm_calls_total", "relay_crm_duration_milliseconds_bucket", "relay_outbox_depth", "relay_leads_created_total",
            "relay_trigger_lag_seconds_bucket",
        ];
        var metrics = await Eventually.GetAsync(
            () => scraper.GetStringAsync("/metrics"),
            text => instruments.All(i => text.Contains("\n" + i, StringComparison.Ordinal)) && text.Contains("relay_actions_total{otel_scope_name=\"Relay\",outcome=\"succeeded\",type=\"createSale\"} 1", StringComparison.Ordinal),
            "every pipeline instrument to be exported");
        metrics.ShouldContain("relay_triggers_received_total{otel_scope_name=\"Relay\",tenant=\"demo\",type=\"email.clicked\"} 3");
        metrics.ShouldContain("relay_triggers_processed_total{otel_scope_name=\"Relay\",type=\"email.clicked\"} 2");
        metrics.ShouldContain("relay_triggers_deduplicated_total{otel_scope_name=\"Relay\",tenant=\"demo\"} 1");
        metrics.ShouldContain("relay_leads_created_total{otel_scope_name=\"Relay\",reason=\"ambiguous\"} 1");
        foreach (var personal in new[] { "c-10293", "c-20411", "ann.berg", "nordic.example", "Berg" })
        {
            metrics.ShouldNotContain(personal);
        }
    }

    [Fact]
    public async Task The_dashboard_is_served_only_with_the_operator_key()
    {
        using var http = _web.CreateClient();
        var anonymous = await http.GetAsync("/admin/dashboard/");
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        anonymous.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Basic");

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/admin/dashboard/");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:nope")));
        (await http.SendAsync(wrong)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var basic = new HttpRequestMessage(HttpMethod.Get, "/admin/dashboard/");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + AdminKey)));
        var page = await http.SendAsync(basic);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("Orleans Dashboard");

        using var header = new HttpRequestMessage(HttpMethod.Get, "/admin/dashboard/");
        header.Headers.Add("X-Api-Key", AdminKey);
        (await http.SendAsync(header)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_dashboard_shows_the_silos_orleans_counters_without_the_two_that_walk_every_activation()
    {
        using var http = _web.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var counters = await Eventually.GetAsync(() => http.GetStringAsync("/admin/dashboard/DashboardCounters"), text => text.Contains("\"siloAddress\"", StringComparison.Ordinal), "the dashboard to list the silo");
        var silo = JsonDocument.Parse(counters).RootElement.GetProperty("hosts")[0].GetProperty("siloAddress").GetString()!;

        // Relay's reader feeds the dashboard (every 5 s); the dashboard's own once-a-second reader would also send the walkers.
        var names = await Eventually.GetAsync(
            async () => JsonDocument.Parse(await http.GetStringAsync("/admin/dashboard/SiloCounters/" + Uri.EscapeDataString(silo))).RootElement
                .EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal),
            n => n.Contains("orleans-catalog-activations"),
            "the silo's Orleans counters on the dashboard",
            TimeSpan.FromSeconds(30));
        names.ShouldContain("orleans-catalog-activation-working-set");
        names.ShouldNotContain("orleans-messaging-processing-activation-data");
        names.ShouldNotContain("orleans-directory-cache-size");

        // Those two are still Orleans instruments of this process (a rename would make the filter a silent no-op).
        var published = new HashSet<string>(StringComparer.Ordinal);
        using (var listener = new System.Diagnostics.Metrics.MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == "Microsoft.Orleans")
                {
                    lock (published)
                    {
                        published.Add(instrument.Name);
                    }
                }
            };
            listener.Start();
        }

        Relay.Observability.DashboardSampling.ActivationWalkingInstruments.ShouldBeSubsetOf(published);
    }

    /// <summary>The embedded default (co-hosted silo, demo tenant, the NetServer emulator) on ports of its own.</summary>
    private sealed class EmbeddedWeb : WebApplicationFactory<web::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Relay:Orleans:SiloPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Relay:Orleans:GatewayPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Relay:Orleans:ClusterId", "metrics-" + Guid.NewGuid().ToString("N")[..8]);
            builder.UseSetting("Relay:Operator:ApiKey", AdminKey);
            builder.UseSetting("Relay:Operator:MetricsKey", MetricsKey);
            builder.UseSetting("Relay:Demo:Enabled", "true");
            builder.UseSetting("Relay:Emulator:Enabled", "true");
            builder.UseSetting("Relay:Emulator:Port", "0");
        }
    }
}

/// <summary>
/// Meters are named process-wide: while another in-process host of a parallel test lives, the exporter may take that
/// host's "Relay" instruments for this one's (CI once scraped another test's form.submitted and none of these
/// triggers). So this runs alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetersCollection
{
    public const string Name = "process-wide-meters";
}
