using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Serialization;
using Relay.Access;
using Relay.Contacts;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Web;

/// <summary>
/// The web host while grain calls fail as they do for the seconds after a silo dies: ingest retries within the
/// request's budget (1 s here), then answers 503 with <c>Retry-After</c> (2 s here), never 500; a credential that
/// cannot be checked yet is not let in; every other API answers such a failure with the same 503.
/// </summary>
public sealed class IngestDuringRecoveryTests(IngestDuringRecoveryTests.Host host) : IClassFixture<IngestDuringRecoveryTests.Host>
{
    [Fact]
    public async Task A_tenant_lookup_refused_twice_is_retried_within_the_request_and_the_batch_accepted()
    {
        var tenant = await host.Factory.CreateTenantAsync();
        host.Faults.Fail<ITenantGrain>(tenant, nameof(ITenantGrain.GetConfigAsync), times: 2);
        using var client = host.Factory.CreateAdminClient();

        var response = await PostAsync(client, tenant, Trigger("c-1"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        host.Faults.Remaining<ITenantGrain>(tenant, nameof(ITenantGrain.GetConfigAsync)).ShouldBe(0);
    }

    [Fact]
    public async Task A_tenant_lookup_that_keeps_failing_is_answered_503_with_Retry_After_and_no_trigger_queued()
    {
        var tenant = await host.Factory.CreateTenantAsync();
        host.Faults.Fail<ITenantGrain>(tenant, nameof(ITenantGrain.GetConfigAsync), times: 1000);
        using var client = host.Factory.CreateAdminClient();

        var response = await PostAsync(client, tenant, Trigger("c-1"));
        host.Faults.Clear();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(2));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["title"]!.GetValue<string>().ShouldBe("Not every trigger could be queued");
        problem["accepted"]!.AsArray().ShouldBeEmpty();
        problem["detail"]!.GetValue<string>().ShouldStartWith("None of the triggers was queued: Relay's cluster is recovering");
    }

    [Fact]
    public async Task A_batch_queued_in_part_is_answered_503_with_the_queued_ids_and_sent_again_each_trigger_counts_once()
    {
        var tenant = await host.Factory.CreateTenantAsync();
        host.Faults.FailStreamSends(tenant, letThrough: 1);
        using var client = host.Factory.CreateAdminClient();
        var batch = new[] { Trigger("c-1"), Trigger("c-2") };
        var ids = batch.Select(t => (string)t["id"]!).ToList();

        var refused = await PostAsync(client, tenant, batch);
        host.Faults.Clear();
        var resent = await PostAsync(client, tenant, [.. batch.Select(t => t.DeepClone().AsObject())]);

        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(2));
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        var queued = problem["accepted"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldHaveSingleItem();
        queued.ShouldBeOneOf([.. ids]);
        problem["detail"]!.GetValue<string>().ShouldStartWith("1 of 2 were queued before: Relay's cluster is recovering");
        resent.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        foreach (var contact in new[] { "c-1", "c-2" })
        {
            var view = await Eventually.GetAsync(
                () => host.Faults.Grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contact)).GetViewAsync(0, 10),
                v => v is { TimelineTotal: > 0 },
                $"{contact} to record its trigger");
            view!.Timeline.ShouldHaveSingleItem().TriggerId.ShouldBeOneOf([.. ids]);
        }
    }

    [Fact]
    public async Task A_credential_that_cannot_be_checked_yet_is_answered_503_and_the_endpoint_is_not_reached()
    {
        var tenant = await host.Factory.CreateTenantAsync();
        using var producer = await host.Factory.CreateTenantClientAsync(tenant, "ingest");
        host.Faults.Fail<ITenantAccessGrain>(tenant, nameof(ITenantAccessGrain.AuthenticateAsync), times: 1000);
        host.Faults.Fail<ITenantGrain>(tenant, nameof(ITenantGrain.GetConfigAsync), times: 1000);

        var refused = await PostAsync(producer, tenant, Trigger("c-1"));
        var lookups = 1000 - host.Faults.Remaining<ITenantGrain>(tenant, nameof(ITenantGrain.GetConfigAsync));
        host.Faults.Clear();
        var accepted = await PostAsync(producer, tenant, Trigger("c-1"));

        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(2));
        refused.Headers.WwwAuthenticate.ShouldBeEmpty();
        JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["title"]!.GetValue<string>().ShouldBe("Relay's cluster is recovering");
        lookups.ShouldBe(0, "the endpoint ran for a caller who was not authenticated");
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Any_API_answers_a_call_into_a_recovering_cluster_with_503_and_Retry_After()
    {
        var tenant = await host.Factory.CreateTenantAsync();
        host.Faults.Fail<IContactGrain>(ContactKey.Of(tenant, "c-1"), nameof(IContactGrain.GetViewAsync), times: 1, () => new TimeoutException("Response did not arrive on time"));
        using var client = host.Factory.CreateAdminClient();

        var response = await client.GetAsync($"/api/tenants/{tenant}/contacts/c-1");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(2));
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var body = await response.Content.ReadAsStringAsync();
        JsonNode.Parse(body)!["title"]!.GetValue<string>().ShouldBe("Relay's cluster is recovering");
        body.ShouldNotContain("Response did not arrive on time");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string tenant, params JsonObject[] triggers)
    {
        using var content = new StringContent(new JsonArray([.. triggers]).ToJsonString(), Encoding.UTF8, "application/json");
        return await client.PostAsync($"/api/tenants/{tenant}/triggers", content);
    }

    private static JsonObject Trigger(string contactId) => new()
    {
        ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
        ["type"] = "email.opened",
        ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
        ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = $"{contactId}@recovery.example" },
    };

    /// <summary>The web host with its co-hosted silo, a short recovery budget and <see cref="Faults"/> in its grain calls.</summary>
    public sealed class Host : IAsyncDisposable
    {
        public Host()
        {
            Faults = new RecoveryFaults(() => Factory!.Services.GetRequiredService<IGrainFactory>(), () => Factory!.Services.GetRequiredService<Serializer>());
            Factory = new RelayWebFactory(b =>
            {
                b.UseSetting("Relay:Web:Recovery:Budget", "00:00:01");
                b.UseSetting("Relay:Web:Recovery:RetryAfter", "00:00:02");
                b.ConfigureServices(s => s.AddSingleton<IIncomingGrainCallFilter>(Faults));
            });
        }

        /// <summary>The faults armed in the host's grain calls.</summary>
        public RecoveryFaults Faults { get; }

        /// <summary>The host.</summary>
        public RelayWebFactory Factory { get; }

        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }

    /// <summary>Fails the next calls of one method of one grain with what a recovering cluster throws.</summary>
    public sealed class RecoveryFaults(Func<IGrainFactory> grains, Func<Serializer> serializer) : IIncomingGrainCallFilter
    {
        private readonly ConcurrentDictionary<(GrainId Grain, string Method), Armed> _armed = new();
        private (string Tenant, Armed Sends)? _streamSends;

        /// <summary>The host's grains.</summary>
        public IGrainFactory Grains => grains();

        /// <summary>Lets <paramref name="letThrough"/> of the tenant's trigger stream sends through, then fails the rest until cleared.</summary>
        public void FailStreamSends(string tenant, int letThrough) =>
            _streamSends = (tenant, new Armed(-letThrough, () => new SiloUnavailableException("Injected: the trigger queue's silo is unavailable.")));

        /// <summary>Fails the next <paramref name="times"/> calls of <paramref name="method"/> on the grain of <typeparamref name="TGrain"/> keyed <paramref name="key"/>.</summary>
        public void Fail<TGrain>(string key, string method, int times, Func<Exception>? failure = null)
            where TGrain : IGrainWithStringKey =>
            _armed[(IdOf<TGrain>(key), method)] = new Armed(times, failure ?? (() => new SiloUnavailableException("Injected: the silo holding this grain is unavailable.")));

        /// <summary>How many of the armed failures are left.</summary>
        public int Remaining<TGrain>(string key, string method)
            where TGrain : IGrainWithStringKey =>
            _armed.TryGetValue((IdOf<TGrain>(key), method), out var armed) ? Math.Max(0, Volatile.Read(ref armed.Left)) : 0;

        /// <summary>Disarms every fault.</summary>
        public void Clear()
        {
            _armed.Clear();
            _streamSends = null;
        }

        public Task Invoke(IIncomingGrainCallContext context)
        {
            // Counting up from minus the sends let through: the first ones pass, every later one fails.
            if (_streamSends is var (tenant, sends)
                && context.Request.GetArgumentCount() > 0
                && context.Request.GetArgument(0) is MemoryMessageData message
                && (serializer().Deserialize<MemoryMessageBody>(message.Payload)?.Events?.OfType<TriggerEnvelope>().Any(e => e.TenantId == tenant) ?? false)
                && Interlocked.Increment(ref sends.Left) > 0)
            {
                throw sends.Failure();
            }

            if (context.InterfaceMethod?.Name is { } method
                && _armed.TryGetValue((context.TargetId, method), out var armed)
                && Interlocked.Decrement(ref armed.Left) >= 0)
            {
                throw armed.Failure();
            }

            return context.Invoke();
        }

        private GrainId IdOf<TGrain>(string key)
            where TGrain : IGrainWithStringKey =>
            grains().GetGrain<TGrain>(key).GetGrainId();

        private sealed class Armed(int left, Func<Exception> failure)
        {
            public int Left = left;
            public readonly Func<Exception> Failure = failure;
        }
    }
}
