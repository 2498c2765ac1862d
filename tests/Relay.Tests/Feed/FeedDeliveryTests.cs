using Relay.Access;
using Relay.Feed;
using Relay.Feed.Webhooks;
using Relay.Leads;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Feed;

/// <summary>Lead decisions and action outcomes in the tenant's feed, and at a real webhook receiver, each once and in order.</summary>
[Collection(InMemoryClusterCollection.Name)]
public sealed class FeedDeliveryTests(InMemoryClusterFixture fixture)
{
    private static readonly SalesUser Anna = new(102, "Anna Sales");

    [Fact]
    public async Task Approving_a_lead_puts_lead_approved_with_the_new_person_in_the_feed_and_at_the_receiver_exactly_once()
    {
        var port = FreePorts.Next();
        var secret = AccessTokens.NewSigningSecret();
        await using var receiver = await WebhookReceiver.StartAsync(port, secret);
        var tenant = await CreateTenantWithWebhookAsync(port, secret, Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Demo", 1, null, 10, ActionOwner.Associate(102))));
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", Build.Email()));
        await fixture.LeadsAsync(tenant, 1);

        var result = await fixture.Contact(tenant, "c1").ApproveAsync(Anna);
        (await fixture.Contact(tenant, "c1").ApproveAsync(Anna)).Status.ShouldBe(LeadDecisionStatus.AlreadyDecided);
        var events = await FeedAsync(tenant, 2);

        events.Select(e => e.Event.Type).ShouldBe([FeedEventTypes.LeadApproved, FeedEventTypes.ActionSucceeded]);
        var approved = events[0].Event;
        approved.ContactId.ShouldBe("c1");
        approved.Data.PersonId.ShouldBe(result.PersonId);
        approved.Data.By.ShouldBe("102");
        approved.Data.Actions.ShouldBe(1);
        events[1].Event.Data.CrmObjectId.ShouldNotBeNull();
        events[1].Event.Data.ActionKind.ShouldBe("createSale");
        await Eventually.GetAsync(fixture.Client.GetGrain<IWebhookGrain>(tenant).GetStatusAsync, s => s.Cursor == events[^1].Seq, "the webhook to deliver both events");
        receiver.Received.Select(r => (string)r["id"]!).ShouldBe(events.Select(e => e.Event.Id));
        receiver.Received[0]["type"]!.GetValue<string>().ShouldBe("lead.approved");
        receiver.Received[0]["data"]!["personId"]!.GetValue<int>().ShouldBe(result.PersonId!.Value);
        receiver.BadSignatures.ShouldBe(0);
    }

    [Fact]
    public async Task Dismissing_and_linking_raise_their_events_once()
    {
        var tenant = await fixture.CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new AddInterestAction(4)));
        var email = Build.Email();
        var person = fixture.Crm.SeedPerson("Lena", "Nord", email);
        fixture.Crm.SeedPerson("Lars", "Nord", email);
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email), Build.Trigger(TriggerType.EmailClicked, "c2", Build.Email()));
        await fixture.LeadsAsync(tenant, 2);

        await fixture.Contact(tenant, "c1").LinkToPersonAsync(person, Anna);
        await fixture.Contact(tenant, "c2").DismissAsync(Anna);
        await fixture.Contact(tenant, "c2").DismissAsync(Anna);
        var events = await FeedAsync(tenant, 3);

        events.Where(e => e.Event.ContactId == "c1").Select(e => e.Event.Type).ShouldBe([FeedEventTypes.LeadLinked, FeedEventTypes.ActionSucceeded]);
        events.Single(e => e.Event.ContactId == "c2").Event.ShouldBe(events.Single(e => e.Event.ContactId == "c2").Event with { Type = FeedEventTypes.LeadDismissed, Id = "c2:1" });
        events.First(e => e.Event.Type == FeedEventTypes.LeadLinked).Event.Data.PersonId.ShouldBe(person);
    }

    [Fact]
    public async Task A_receiver_that_is_down_for_a_while_receives_every_event_afterwards_once_and_in_feed_order()
    {
        var port = FreePorts.Next();
        var secret = AccessTokens.NewSigningSecret();
        var tenant = await CreateTenantWithWebhookAsync(port, secret, Build.Automation(TriggerType.EmailClicked, new AddInterestAction(4)));
        var contacts = Enumerable.Range(1, 6).Select(i => $"c{i}").ToList();
        await fixture.SendAsync(tenant, [.. contacts.Select(c => Build.Trigger(TriggerType.EmailClicked, c, Build.Email()))]);
        await fixture.LeadsAsync(tenant, contacts.Count);
        foreach (var c in contacts)
        {
            await fixture.Contact(tenant, c).DismissAsync(Anna);
        }

        var feed = await FeedAsync(tenant, contacts.Count);
        var webhook = fixture.Client.GetGrain<IWebhookGrain>(tenant);
        var failing = await Eventually.GetAsync(webhook.GetStatusAsync, s => s.Attempts > 0, "the webhook to fail while nothing listens");
        failing.Cursor.ShouldBe(0);
        (await webhook.ReplayFromAsync(feed[^1].Seq)).ShouldNotBeNull("a replay cannot skip events not yet delivered");
        (await webhook.GetStatusAsync()).Cursor.ShouldBe(0);
        failing.Log[0].Result.ShouldBe(WebhookDeliveryResult.Failed);

        await using var receiver = await WebhookReceiver.StartAsync(port, secret);
        await Eventually.ThatAsync(() => receiver.Received.Count >= feed.Count, "the receiver to get the events after it came up");

        receiver.Received.Select(r => r["seq"]!.GetValue<long>()).ShouldBe(feed.Select(e => e.Seq));
        receiver.Received.Select(r => (string)r["id"]!).ShouldBe(feed.Select(e => e.Event.Id));
        var status = await Eventually.GetAsync(webhook.GetStatusAsync, s => s.Cursor == feed[^1].Seq, "the cursor to reach the feed's end");
        status.Attempts.ShouldBe(0);
        status.Log.Count(l => l.Result == WebhookDeliveryResult.Delivered).ShouldBe(feed.Count);
    }

    [Fact]
    public async Task Replaying_one_event_sends_it_again_and_replaying_from_a_cursor_sends_everything_after_it()
    {
        var port = FreePorts.Next();
        var secret = AccessTokens.NewSigningSecret();
        await using var receiver = await WebhookReceiver.StartAsync(port, secret);
        var tenant = await CreateTenantWithWebhookAsync(port, secret, Build.Automation(TriggerType.EmailClicked, new AddInterestAction(4)));
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", Build.Email()), Build.Trigger(TriggerType.EmailClicked, "c2", Build.Email()));
        await fixture.LeadsAsync(tenant, 2);
        await fixture.Contact(tenant, "c1").DismissAsync(Anna);
        await fixture.Contact(tenant, "c2").DismissAsync(Anna);
        await Eventually.ThatAsync(() => receiver.Received.Count == 2, "both events delivered");
        var webhook = fixture.Client.GetGrain<IWebhookGrain>(tenant);

        (await webhook.ReplayEventAsync(1)).ShouldBeNull();
        await Eventually.ThatAsync(() => receiver.Received.Count == 3, "the replayed event");
        (await webhook.ReplayFromAsync(0)).ShouldBeNull();
        await Eventually.ThatAsync(() => receiver.Received.Count == 5, "the replay from the start");

        receiver.Received.Select(r => r["seq"]!.GetValue<long>()).ShouldBe([1L, 2, 1, 1, 2]);
        (await webhook.ReplayEventAsync(99)).ShouldNotBeNull();
        (await webhook.ReplayFromAsync(3)).ShouldNotBeNull();
        (await Eventually.GetAsync(webhook.GetStatusAsync, s => s.Log.Length == 5, "five log entries")).Log.Count(l => l.Replay).ShouldBe(1);
    }

    private async Task<string> CreateTenantWithWebhookAsync(int port, string secret, params Automation[] automations)
    {
        var tenant = await fixture.CreateTenantAsync(s => s with { Webhook = new WebhookSettings(WebhookReceiver.UrlOf(port)) }, automations);
        (await fixture.Client.GetGrain<ITenantAccessGrain>(tenant).AddSigningSecretAsync(secret)).Error.ShouldBeNull();
        return tenant;
    }

    private async Task<List<FeedEntry>> FeedAsync(string tenant, int count) =>
        [.. (await Eventually.GetAsync(
            () => fixture.Client.GetGrain<IEventFeedGrain>(tenant).ReadAsync(0, 100),
            p => p.Entries.Length >= count,
            $"{count} event(s) in the feed of {tenant}")).Entries];
}
