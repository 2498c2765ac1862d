using System.Text;
using Relay.Admin;
using Relay.Consent;
using Relay.Contacts;
using Relay.DeadLetters;
using Relay.Events;
using Relay.Feed;
using Relay.Imports;
using Relay.Leads;
using Relay.Timeline;
using Relay.Triggers;

namespace Relay.Tests.Contacts;

/// <summary>
/// Forgetting a contact (GDPR erasure) through the NetServer adapter and the emulator: afterwards no store the contact
/// touched names it, a redelivered trigger does not bring it back, and a later interaction starts a new contact.
/// </summary>
[Collection(EmulatorClusterCollection.Name)]
public sealed class ContactErasureTests(EmulatorClusterFixture fixture)
{
    /// <summary>Who the contact is: the strings no store may hold after the erasure.</summary>
    private sealed record Someone(string ContactId, string FirstName, string LastName, string Email, string Phone, string Mobile)
    {
        public static Someone New()
        {
            var n = Guid.NewGuid().ToString("N");
            return new(Build.Id("c"), "Zelda" + n[..8], "Quist" + n[8..16], Build.Email(), "+46 8 " + n[16..22], "+46 70 " + n[22..28]);
        }

        public string[] Names => [FirstName, LastName, Email, Phone, Mobile];

        public Trigger Trigger(TriggerType type, DateTimeOffset? at = null, string? id = null) =>
            Build.Trigger(type, ContactId, Email, id: id) with
            {
                OccurredAt = at ?? Build.Trigger(type, ContactId).OccurredAt,
                Contact = new ContactFields(ContactId, Email, FirstName, LastName, "CFO", Phone, Mobile),
                LinkUrl = type.HasLink() ? $"https://example.com/pricing?who={Uri.EscapeDataString(Email)}" : null,
            };
    }

    [Fact]
    public async Task After_an_erasure_no_store_the_contact_touched_names_it()
    {
        var who = Someone.New();
        var person = fixture.Crm.SeedPerson(who.FirstName, who.LastName, who.Email);
        var selection = fixture.Crm.SeedSelection();
        var missingSelection = fixture.Emulator.Store.Write(s => s.NextId());
        var tenant = await fixture.CreateTenantAsync(Build.Automation(
            TriggerType.FormSubmitted, new CreateSaleAction("Demo request", 100, 1, 50, ActionOwner.Associate(102)), new AddToSelectionAction(selection), new AddToSelectionAction(missingSelection)));

        // A sale with event details, a selection to import, a parked action, a consent with a comment naming the contact,
        // a dead letter, an archived timeline chunk (200 entries move 100 out of the state), and the admin log.
        var consent = who.Trigger(TriggerType.ConsentChanged) with { Consent = new ConsentChange("email-marketing", "consent", true, "web-form", $"Asked by {who.FirstName} {who.LastName} on the phone") };
        await fixture.SendAsync(tenant, [who.Trigger(TriggerType.FormSubmitted), consent, .. Enumerable.Range(0, 200).Select(_ => who.Trigger(TriggerType.EmailClicked))]);
        await fixture.SendAsync(tenant, [who.Trigger(TriggerType.EmailOpened) with { Id = "" }]);
        var view = await Eventually.GetAsync(() => fixture.ViewAsync(tenant, who.ContactId), v => v is { TimelineTotal: 202, Outbox.IsEmpty: true, Parked.Length: 1 }, "the contact's work to settle");
        var letters = fixture.Client.GetGrain<IDeadLetterGrain>(tenant);
        await Eventually.GetAsync(() => letters.GetAsync(null, 0, 10), p => p.Total == 1, "the poison trigger to be dead-lettered");
        await Eventually.GetAsync(() => fixture.Client.GetGrain<IParkedIndexGrain>(tenant).GetAsync(null, 0, 10), p => p.Total == 1, "the parked index to list the action");
        await Eventually.GetAsync(() => fixture.Client.GetGrain<IConsentLogGrain>(tenant).GetSinceAsync(0, 10), p => p.Entries.Length == 1, "the consent log to hold the consent");
        var import = await ImportAsync(tenant, selection);
        await fixture.Client.GetGrain<IAdminLogGrain>(tenant).RecordAsync(new AdminChange(AdminAreas.Parked, $"{who.ContactId}/{view!.Parked[0].Key}", "discard", "ops", Before: $"{{\"error\":\"{who.Email} refused\"}}"));
        var sale = view.Outcomes.First(o => o.Kind == ActionKind.CreateSale).CrmObjectId!.Value;
        var details = fixture.Client.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(tenant, Relay.Crm.CrmObjectKind.Sale, sale));
        (await details.GetAsync()).ShouldNotBeNull().ContactName.ShouldBe($"{who.FirstName} {who.LastName}");
        (await fixture.Client.GetGrain<ITimelineChunkGrain>(TimelineChunkKey.Of(tenant, who.ContactId, 0)).GetAsync()).ShouldNotBeEmpty();
        StoredRowsNaming(who).ShouldNotBeEmpty("before the erasure the stores name the contact, or this test proves nothing");

        var receipt = await fixture.Contact(tenant, who.ContactId).EraseAsync("dpo@tenant.example");

        receipt.ShouldBe(new ErasureReceipt(who.ContactId, receipt.ErasedAt, WasKnown: true, Complete: true));
        StoredRowsNaming(who).ShouldBeEmpty("no stored grain state may hold the contact's name, e-mail or phone");
        (await fixture.ViewAsync(tenant, who.ContactId)).ShouldBeNull();
        (await fixture.Client.GetGrain<ITimelineChunkGrain>(TimelineChunkKey.Of(tenant, who.ContactId, 0)).GetAsync()).ShouldBeEmpty();
        var kept = (await details.GetAsync()).ShouldNotBeNull();
        kept.ContactName.ShouldBe(ContactErasure.ErasedName);
        kept.LinkUrl.ShouldBeNull();
        kept.TriggerId.ShouldNotBeNullOrEmpty("the sale's provenance stays");
        (await letters.GetAsync(null, 0, 10)).Total.ShouldBe(0);
        (await fixture.Client.GetGrain<IParkedIndexGrain>(tenant).GetAsync(null, 0, 10)).Total.ShouldBe(0);
        (await fixture.Client.GetGrain<IPersonContactsGrain>(LinkIndexKey.Of(tenant, person)).GetAsync()).ShouldNotContain(who.ContactId);
        (await fixture.Client.GetGrain<IImportPageGrain>(ImportKeys.Page(tenant, import.JobId, 0)).GetAsync())!.Rows.ShouldNotContain(r => r.PersonId == person);

        // The proof of consent stays: purpose, basis, granted, source and when, without the comment or the person.
        var proof = (await fixture.Client.GetGrain<IConsentLogGrain>(tenant).GetSinceAsync(0, 10)).Entries.ShouldHaveSingleItem();
        proof.ShouldBe(proof with { ContactId = who.ContactId, PersonId = null });
        proof.Record.ShouldBe(proof.Record with { Purpose = "email-marketing", LegalBasis = "consent", Granted = true, Source = "web-form", Comment = null });
        var erased = (await fixture.Client.GetGrain<IEventFeedGrain>(tenant).ReadAsync(0, 100)).Entries.Select(e => e.Event).Last();
        erased.ShouldBe(erased with { Type = FeedEventTypes.ContactErased, ContactId = who.ContactId, At = receipt.ErasedAt, Data = new FeedEventData(By: "dpo@tenant.example") });
    }

    [Fact]
    public async Task A_contacts_older_created_objects_are_archived_out_of_its_state_in_pages_and_an_erasure_still_finds_them_all()
    {
        var who = Someone.New();
        fixture.Crm.SeedPerson(who.FirstName, who.LastName, who.Email);
        var tenant = await fixture.CreateTenantAsync(
            s => s with { CrmCallsPerSecond = 1_000 }, Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Pricing", 100, 1, 50, ActionOwner.Associate(102))));

        // Enough sales that the oldest page's are in no outcome the state keeps either: only the page names them.
        var page = ContactDecisions.CreatedObjectPageSize;
        var sales = ContactDecisions.OutcomeWindow + page;
        await fixture.SendAsync(tenant, [.. Enumerable.Range(0, sales).Select(_ => who.Trigger(TriggerType.EmailClicked))]);
        var view = await Eventually.GetAsync(
            () => fixture.ViewAsync(tenant, who.ContactId), v => v is { Outbox.IsEmpty: true } && v.TimelineTotal == sales, "every sale", TimeSpan.FromSeconds(180));
        ICreatedObjectPageGrain Page(int n) => fixture.Client.GetGrain<ICreatedObjectPageGrain>(CreatedObjectPageKey.Of(tenant, who.ContactId, n));
        var pages = await Task.WhenAll(Enumerable.Range(0, (sales / page) - 1).Select(n => Page(n).GetAsync()));
        var recent = view!.Outcomes.Where(o => o.Kind == ActionKind.CreateSale).Select(o => o.CrmObjectId!.Value).ToList();
        var oldest = pages[0].Select(o => o.Id).ToList();

        // Every page but the newest two's worth left the state, in order and whole; the next is not due.
        pages.ShouldAllBe(p => p.Length == page);
        (await Page(pages.Length).GetAsync()).ShouldBeEmpty();
        pages.SelectMany(p => p).Select(o => o.Id).Concat(recent).Distinct().Count().ShouldBe(sales, "each sale in a page or among the outcomes");
        oldest.ShouldNotContain(id => recent.Contains(id), "the oldest page's sales are named by no outcome the state keeps");

        await fixture.Contact(tenant, who.ContactId).EraseAsync("dpo");

        foreach (var sale in oldest.Concat(recent))
        {
            (await fixture.Client.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(tenant, Relay.Crm.CrmObjectKind.Sale, sale)).GetAsync())
                .ShouldNotBeNull().ContactName.ShouldBe(ContactErasure.ErasedName, $"sale {sale}");
        }

        foreach (var n in Enumerable.Range(0, pages.Length))
        {
            (await Page(n).GetAsync()).ShouldBeEmpty($"page {n} is cleared");
        }
    }

    [Fact]
    public async Task An_erased_lead_leaves_the_lead_report_and_neither_a_redelivered_nor_a_late_trigger_brings_it_back()
    {
        var who = Someone.New();
        var tenant = await fixture.CreateTenantAsync(Build.Automation(TriggerType.FormSubmitted, new CreateSaleAction("Demo request", 100, 1, 50, ActionOwner.Associate(102))));
        var old = who.Trigger(TriggerType.FormSubmitted);
        await fixture.SendAsync(tenant, old);
        await fixture.LeadsAsync(tenant, 1);

        var receipt = await fixture.Contact(tenant, who.ContactId).EraseAsync("dpo");
        (await LeadIndex.GetPageAsync(fixture.Client, tenant, 0, 10)).Total.ShouldBe(0);

        // The same trigger again, and one that occurred before the erasure but arrived after it: both stay dropped. A trigger
        // that occurred after it, sent last on the same stream, shows when they were handled.
        var late = who.Trigger(TriggerType.EmailOpened, at: receipt.ErasedAt.AddSeconds(-1));
        var fresh = who.Trigger(TriggerType.EmailOpened, at: DateTimeOffset.UtcNow.AddSeconds(1));
        await fixture.SendAsync(tenant, old, late, fresh);
        var view = await fixture.SettledAsync(tenant, who.ContactId);

        view.Timeline.ShouldHaveSingleItem().TriggerId.ShouldBe(fresh.Id, "neither the redelivery nor the late trigger brought the erased contact back");
        view.Outbox.ShouldBeEmpty();
        (await LeadIndex.GetPageAsync(fixture.Client, tenant, 0, 10)).Total.ShouldBe(0);
    }

    [Fact]
    public async Task A_new_interaction_after_the_erasure_starts_a_new_contact()
    {
        var who = Someone.New();
        var tenant = await fixture.CreateTenantAsync();
        await fixture.SendAsync(tenant, [.. Enumerable.Range(0, 3).Select(_ => who.Trigger(TriggerType.EmailOpened))]);
        var before = await fixture.SettledAsync(tenant, who.ContactId, timelineCount: 3);
        var receipt = await fixture.Contact(tenant, who.ContactId).EraseAsync("dpo");

        var later = who.Trigger(TriggerType.EmailClicked, at: DateTimeOffset.UtcNow.AddSeconds(1));
        await fixture.SendAsync(tenant, later);
        var after = await fixture.SettledAsync(tenant, who.ContactId);

        after.Timeline.ShouldHaveSingleItem().TriggerId.ShouldBe(later.Id);
        after.TimelineTotal.ShouldBe(1);
        after.FirstSeen.ShouldNotBeNull().ShouldBeGreaterThan(receipt.ErasedAt);
        after.FirstSeen.ShouldNotBe(before.FirstSeen);
        after.DuplicatesDropped.ShouldBe(0);
    }

    [Fact]
    public async Task Erasing_a_contact_Relay_never_heard_of_leaves_a_tombstone_that_drops_its_older_triggers_and_answers_the_same_again()
    {
        var who = Someone.New();
        var tenant = await fixture.CreateTenantAsync();

        var receipt = await fixture.Contact(tenant, who.ContactId).EraseAsync("dpo");
        var again = await fixture.Contact(tenant, who.ContactId).EraseAsync("dpo");
        var fresh = who.Trigger(TriggerType.EmailClicked, at: DateTimeOffset.UtcNow.AddSeconds(1));
        await fixture.SendAsync(tenant, who.Trigger(TriggerType.EmailOpened), fresh);
        var view = await fixture.SettledAsync(tenant, who.ContactId);

        receipt.ShouldBe(new ErasureReceipt(who.ContactId, receipt.ErasedAt, WasKnown: false, Complete: true));
        again.ShouldBe(receipt, "erasing again changes nothing");
        view.Timeline.ShouldHaveSingleItem().TriggerId.ShouldBe(fresh.Id, "the trigger that occurred before the erasure was dropped");
    }

    /// <summary>The keys of every stored grain state, in both storages, whose bytes hold one of the contact's names.</summary>
    private List<string> StoredRowsNaming(Someone who)
    {
        var needles = who.Names.Select(Encoding.UTF8.GetBytes).ToList();
        return [.. fixture.Stores.SelectMany(s => s.Rows).Where(r => needles.Any(n => r.Data.AsSpan().IndexOf(n) >= 0)).Select(r => r.Key)];
    }

    private async Task<ImportProgress> ImportAsync(string tenant, int selection)
    {
        var jobId = Build.Id("imp");
        var job = fixture.Client.GetGrain<IImportJobGrain>(ImportKeys.Job(tenant, jobId));
        await job.StartAsync(new ImportRequest(ImportSourceKind.Selection, selection, 50));
        await fixture.Client.GetGrain<IImportIndexGrain>(tenant).AddAsync(jobId, DateTimeOffset.UtcNow);
        var done = (await Eventually.GetAsync(job.GetProgressAsync, p => p!.Status != ImportStatus.Running, "the import to finish"))!;
        done.Read.ShouldBeGreaterThan(0);
        return done;
    }
}
