using Orleans;
using Orleans.Streams;
using Relay.Access;
using Relay.Contacts;
using Relay.Crm;
using Relay.Feed;
using Relay.Feed.Webhooks;
using Relay.Leads;
using Relay.Tenants;
using Relay.Tests.Feed;
using Relay.Triggers;

namespace Relay.Cluster.Tests.Cluster;

/// <summary>
/// Two silos whose state outlives them (as Azure storage does): a lead is approved and a silo is killed while the decision
/// travels from the contact to the feed and on to the tenant's webhook; <c>lead.approved</c> is in the feed once and at
/// the receiver once.
/// </summary>
public sealed class FeedFailoverTests
{
    [Fact]
    public async Task Lead_approved_is_in_the_feed_and_at_the_webhook_receiver_exactly_once_across_a_silo_kill()
    {
        var crm = new InMemoryCrm();
        await using var relay = await RelayTestCluster.StartAsync(new RelayTestClusterOptions { Silos = 3, Crm = crm, Providers = TestProviders.Shared });
        var client = relay.Client;
        var port = FreePorts.Next();
        var secret = AccessTokens.NewSigningSecret();
        await using var receiver = await WebhookReceiver.StartAsync(port, secret);
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        var settings = new TenantSettings("Feed failover", new TenantCrmSettings("memory://" + tenant), DefaultOwnerAssociateId: 99, Webhook: new WebhookSettings(WebhookReceiver.UrlOf(port)));
        (await client.GetGrain<ITenantGrain>(tenant).PutSettingsAsync(settings)).Errors.ShouldBeEmpty();
        (await client.GetGrain<ITenantGrain>(tenant).PutAutomationsAsync([Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Demo", 1, null, 10, ActionOwner.Associate(102)))])).Errors.ShouldBeEmpty();
        (await client.GetGrain<ITenantAccessGrain>(tenant).AddSigningSecretAsync(secret)).Error.ShouldBeNull();
        var contacts = Enumerable.Range(1, 8).Select(i => $"c{i}").ToList();
        var stream = client.GetStreamProvider(RelayStorage.TriggerStreamProvider);
        foreach (var c in contacts)
        {
            await stream.GetStream<TriggerEnvelope>(TriggerLanes.For(tenant, c))
                .OnNextAsync(new TriggerEnvelope(tenant, Build.Trigger(TriggerType.EmailClicked, c, Build.Email()), DateTimeOffset.UtcNow));
        }

        await Eventually.GetAsync(() => LeadIndex.GetPageAsync(client, tenant, 0, 10), p => p.Total == contacts.Count, "every contact as a lead");

        // Approvals go out on every silo; one silo dies while their events are between contacts, feed and webhook.
        var approvals = contacts.Select(c => client.GetGrain<IContactGrain>(ContactKey.Of(tenant, c)).ApproveAsync(new SalesUser(102, "Anna"))).ToList();
        await relay.Cluster.KillSiloAsync(relay.Cluster.Silos[^1]);
        await relay.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
        foreach (var c in contacts)
        {
            // An approval on the killed silo may have failed before or after it was stored: asking again settles it.
            var result = await Eventually.GetAsync(
                async () => await TryApproveAsync(client, tenant, c),
                r => r is { Status: LeadDecisionStatus.Done or LeadDecisionStatus.AlreadyDecided }, $"{c} approved");
            result.ShouldNotBeNull();
        }

        _ = await Task.WhenAll(approvals.Select(a => a.ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default)));
        var feed = await Eventually.GetAsync(
            () => client.GetGrain<IEventFeedGrain>(tenant).ReadAsync(0, 1000),
            p => p.Entries.Count(e => e.Event.Type == FeedEventTypes.LeadApproved) >= contacts.Count,
            "every approval in the feed", TimeSpan.FromMinutes(3));
        var approved = feed.Entries.Where(e => e.Event.Type == FeedEventTypes.LeadApproved).ToList();
        approved.Select(e => e.Event.ContactId).Order().ShouldBe(contacts.Order(), "each approval once in the feed");
        approved.ShouldAllBe(e => e.Event.Data.PersonId != null);

        // Delivery is at least once: a receiver's answer lost with the killed silo means one more delivery of that event,
        // with the same id, which a receiver keeps once (README). So: wait until everything is delivered, then every
        // approval is one event id at the receiver, and no approval arrived as two different events.
        await Eventually.GetAsync(
            client.GetGrain<IWebhookGrain>(tenant).GetStatusAsync, s => s.Cursor >= feed.Entries[^1].Seq,
            "the webhook to deliver the whole feed", TimeSpan.FromMinutes(3));
        var received = receiver.Received.Where(r => (string)r["type"]! == FeedEventTypes.LeadApproved).ToList();
        received.Select(r => (string)r["id"]!).Distinct().Order().ShouldBe(approved.Select(e => e.Event.Id).Order(), "each approval once at the receiver, by its id");
        received.Select(r => (string)r["contactId"]!).Distinct().Count().ShouldBe(contacts.Count);
        receiver.BadSignatures.ShouldBe(0);
    }

    private static async Task<LeadDecisionResult?> TryApproveAsync(IClusterClient client, string tenant, string contact)
    {
        try
        {
            return await client.GetGrain<IContactGrain>(ContactKey.Of(tenant, contact)).ApproveAsync(new SalesUser(102, "Anna"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }
}
