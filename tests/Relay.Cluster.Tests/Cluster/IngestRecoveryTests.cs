using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Relay.NetServerEmulator;
using Relay.Tenants;
using Xunit.Abstractions;

namespace Relay.Cluster.Tests.Cluster;

/// <summary>
/// Two silo processes on Azurite and the web host as their client. The silo holding the tenant's grain is killed
/// with SIGKILL while batches are posted with a tenant credential; until membership declares it dead, its grains
/// cannot be called. Every batch is answered 202 or 503 with <c>Retry-After</c>, never 500; a 503-ed batch is sent
/// again as eMarketeer would, and in the end every trigger is on its contact's timeline exactly once.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class IngestRecoveryTests(ITestOutputHelper output)
{
    private const string Tenant = "recovery";
    private const int Contacts = 20;
    private const int Posters = 2;

    [Fact]
    public async Task Killing_the_silo_of_the_tenant_grain_while_batches_arrive_answers_202_or_503_with_Retry_After_and_loses_or_doubles_nothing()
    {
        await using var emulator = await EmulatorHost.StartAsync();
        await using var cluster = await ProcessCluster.StartAzuriteAsync(queueCount: 4);
        try
        {
            await RunAsync(cluster, emulator);
        }
        catch
        {
            output.WriteLine(cluster.Tails());

            throw;
        }
    }

    private async Task RunAsync(ProcessCluster cluster, RunningEmulator emulator)
    {
        await Task.WhenAll(cluster.StartSiloAsync(), cluster.StartSiloAsync());
        await cluster.StartWebAsync();
        using var admin = new HttpClient { BaseAddress = cluster.WebUrl, Timeout = TimeSpan.FromMinutes(1) };
        admin.DefaultRequestHeaders.Add("X-Api-Key", ProcessCluster.AdminKey);
        (await admin.PutAsJsonAsync($"/api/admin/tenants/{Tenant}", new { displayName = "Recovery", crm = new { baseUrl = emulator.BaseUrl.ToString(), userName = "demo", password = "demo" } }))
            .EnsureSuccessStatusCode();
        var issued = await admin.PostAsJsonAsync($"/api/operator/tenants/{Tenant}/credentials", new { name = "producer", scopes = new[] { "ingest" } });
        issued.StatusCode.ShouldBe(HttpStatusCode.Created);

        // The producer's credential is checked by the tenant's access grain on every batch, so that path is under test too.
        using var producer = new HttpClient { BaseAddress = cluster.WebUrl, Timeout = TimeSpan.FromMinutes(1) };
        producer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await issued.Content.ReadFromJsonAsync<JsonNode>())!["token"]!.GetValue<string>());
        var answers = new ConcurrentQueue<Answer>();
        (await PostAsync(producer, Batch(0), answers)).Status.ShouldBe(HttpStatusCode.Accepted);

        using var client = await cluster.StartClientAsync();
        var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var holder = await management.GetActivationAddress(client.Services.GetRequiredService<IClusterClient>().GetGrain<ITenantGrain>(Tenant))
            ?? throw new InvalidOperationException("The tenant grain has no activation after a batch was accepted.");
        var name = (await management.GetDetailedHosts(onlyActive: true)).Single(h => h.SiloAddress.Equals(holder)).SiloName;
        var victim = cluster.Silos.Single(s => s.Process.Name == name).Process;

        // Posters keep sending from before the kill until well after membership declared the silo dead.
        using var stop = new CancellationTokenSource();
        var next = 0;
        var sent = new ConcurrentBag<int>();
        var posters = Enumerable.Range(0, Posters).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var k = Interlocked.Increment(ref next);
                sent.Add(k);
                await SendUntilAcceptedAsync(producer, Batch(k), answers);
            }
        })).ToList();
        await Eventually.ThatAsync(() => Volatile.Read(ref next) >= 4, "a few batches posted before the kill");
        var clock = Stopwatch.StartNew();
        await victim.KillAsync();
        output.WriteLine($"killed {name}, which held the tenant grain");
        await Eventually.GetAsync(
            async () => await DeclaredAsync(management, holder),
            dead => dead,
            $"membership to declare {name} dead",
            TimeSpan.FromSeconds(90));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {name} declared dead");
        var declaredAt = Volatile.Read(ref next);
        await Eventually.ThatAsync(() => Volatile.Read(ref next) >= declaredAt + 4, "batches accepted after the recovery");
        await stop.CancelAsync();
        await Task.WhenAll(posters);

        var statuses = answers.GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{answers.Count} answers: {string.Join(", ", statuses.Select(s => $"{(int)s.Key} × {s.Value}"))}; slowest {answers.Max(a => a.Took).TotalSeconds:0.0} s");
        if (answers.FirstOrDefault(a => a.Status != HttpStatusCode.Accepted) is { } refused)
        {
            output.WriteLine($"first refusal, after {refused.Took.TotalSeconds:0.0} s: {refused.Body}");
        }

        statuses.Keys.ShouldBeSubsetOf([HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable]);

        // A batch that met the dead silo either waited out the recovery within its budget or was refused with 503.
        answers.ShouldContain(a => a.Status == HttpStatusCode.ServiceUnavailable || a.Took > TimeSpan.FromSeconds(1), "no batch was posted while the silo was dead");
        answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ShouldAllBe(a => a.RetryAfter != null);

        var batches = sent.Append(0).ToHashSet();
        await AllOnTimelineOnceAsync(admin, batches);
    }

    /// <summary>Whether membership no longer counts <paramref name="silo"/> among the active silos; false while the cluster cannot say.</summary>
    private static async Task<bool> DeclaredAsync(IManagementGrain management, SiloAddress silo)
    {
        try
        {
            return !(await management.GetHosts(onlyActive: true)).ContainsKey(silo);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Sends a batch until it is accepted, waiting as each 503's <c>Retry-After</c> asks.</summary>
    private static async Task SendUntilAcceptedAsync(HttpClient http, JsonArray batch, ConcurrentQueue<Answer> answers)
    {
        var deadline = Stopwatch.StartNew();
        while (await PostAsync(http, batch, answers) is { Status: not HttpStatusCode.Accepted } refused)
        {
            deadline.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), "a batch accepted within 90 s of the kill");
            await Task.Delay(refused.RetryAfter ?? TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<Answer> PostAsync(HttpClient http, JsonArray batch, ConcurrentQueue<Answer> answers)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsJsonAsync($"/api/tenants/{Tenant}/triggers", batch);
        var answer = new Answer(response.StatusCode, response.Headers.RetryAfter?.Delta, clock.Elapsed, await response.Content.ReadAsStringAsync());
        answers.Enqueue(answer);
        return answer;
    }

    /// <summary>Batch <paramref name="k"/>: one trigger for each contact, whose id names the batch.</summary>
    private static JsonArray Batch(int k) =>
        [.. Enumerable.Range(0, Contacts).Select(c => (JsonNode)new JsonObject
        {
            ["id"] = $"r-{k}-{c}",
            ["type"] = "email.opened",
            ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
            ["contact"] = new JsonObject { ["id"] = $"c-{c}", ["email"] = $"c{c}@recovery.example" },
        })];

    private static async Task AllOnTimelineOnceAsync(HttpClient admin, HashSet<int> batches)
    {
        foreach (var c in Enumerable.Range(0, Contacts))
        {
            var expected = batches.Select(k => $"r-{k}-{c}").Order(StringComparer.Ordinal).ToList();
            var timeline = await Eventually.GetAsync(
                () => TimelineAsync(admin, $"c-{c}"),
                ids => ids.Count >= expected.Count,
                $"contact c-{c} to record {expected.Count} triggers");
            timeline.ShouldBe(expected, $"contact c-{c}: every accepted trigger once, none twice");
        }
    }

    private static async Task<List<string>> TimelineAsync(HttpClient admin, string contactId)
    {
        using var response = await admin.GetAsync($"/api/tenants/{Tenant}/contacts/{contactId}?take=500");
        return response.StatusCode == HttpStatusCode.NotFound
            ? []
            : [.. (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonNode>())!["timeline"]!.AsArray()
                .Select(t => t!["triggerId"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
    }

    private sealed record Answer(HttpStatusCode Status, TimeSpan? RetryAfter, TimeSpan Took, string Body);
}
