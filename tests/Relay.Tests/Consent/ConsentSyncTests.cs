using Relay.Consent;
using Relay.Contacts;
using Relay.Leads;
using Relay.Triggers;

namespace Relay.Tests.Consent;

/// <summary>Consent changes through contact streams, synced to the emulator's NetServer in Services88 mode and reconciled.</summary>
[Collection(EmulatorClusterCollection.Name)]
public sealed class ConsentSyncTests(EmulatorClusterFixture fixture)
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_consent_round_trips_to_SuperOffice_in_88_mode_and_a_later_change_there_wins_on_reconciliation()
    {
        var store = fixture.Emulator.Store;
        var email = Build.Email();
        var personId = fixture.Crm.SeedPerson("Cia", "Consent", email);
        var tenant = await fixture.CreateTenantAsync(Services88);

        await fixture.SendAsync(tenant, Consent("c-consent", personId, granted: true, at: Epoch));
        await Eventually.ThatAsync(() => store.Read(s => s.Consents.TryGetValue((personId, "EMAIL"), out var c) && c.LegalBaseKey == "CONSENT" && c.SourceKey == "FORM"), "SetConsent to reach SuperOffice");
        var granted = await Eventually.GetAsync(
            () => fixture.Contact(tenant, "c-consent").GetConsentsAsync(), c => c.Length == 1 && c[0].SyncedAt is not null, "the record to be marked synced");
        granted[0].ShouldBe(granted[0] with { Purpose = "email-marketing", LegalBasis = "consent", Granted = true, Origin = ConsentOrigin.Relay });

        await fixture.SendAsync(tenant, Consent("c-consent", personId, granted: false, at: Epoch.AddMinutes(5)));
        await Eventually.ThatAsync(() => store.Read(s => !s.Consents.ContainsKey((personId, "EMAIL"))), "RemoveConsent to reach SuperOffice");

        // A SuperOffice user registers the consent again, later than Relay's withdrawal: SuperOffice's change is the latest.
        store.SetConsent(personId, "EMAIL", "LEGITIMATEINTEREST", Epoch.AddHours(1).UtcDateTime, "MANUAL", "Phoned in");
        await Eventually.GetAsync(() => fixture.Contact(tenant, "c-consent").GetConsentsAsync(), c => c[0] is { Granted: false, SyncedAt: not null }, "the withdrawal to be synced");
        var run = await fixture.Client.GetGrain<IConsentReconcilerGrain>(tenant).ReconcileAsync();
        run.ShouldBe(run with { Persons = 1, TakenFromCrm = 1, PushedToCrm = 0, Failed = 0 });

        var taken = await Eventually.GetAsync(() => fixture.Contact(tenant, "c-consent").GetConsentsAsync(), c => c[0].Granted, "SuperOffice's consent to be taken in");
        taken[0].ShouldBe(taken[0] with { LegalBasis = "legitimate-interest", Origin = ConsentOrigin.SuperOffice, ChangedAt = Epoch.AddHours(1) });
        var conflict = (await fixture.Client.GetGrain<IConsentReconcilerGrain>(tenant).GetConflictsAsync(10)).Conflicts.ShouldHaveSingleItem();
        conflict.ShouldBe(conflict with { ContactId = "c-consent", PersonId = personId, Purpose = "email-marketing", RelayGranted = false, CrmGranted = true, Winner = ConsentOrigin.SuperOffice });

        // Relay's own later change wins the next time, and is pushed.
        await fixture.SendAsync(tenant, Consent("c-consent", personId, granted: false, at: Epoch.AddHours(2)));
        await Eventually.ThatAsync(() => store.Read(s => !s.Consents.ContainsKey((personId, "EMAIL"))), "the later withdrawal to reach SuperOffice");
        await Eventually.GetAsync(() => fixture.Contact(tenant, "c-consent").GetConsentsAsync(), c => c[0] is { Granted: false, SyncedAt: not null }, "the later withdrawal to be synced");
        (await fixture.Client.GetGrain<IConsentReconcilerGrain>(tenant).ReconcileAsync()).InSync.ShouldBe(1);
    }

    [Fact]
    public async Task Reconciliation_compares_superoffice_with_the_contact_s_own_record_not_a_stale_log_entry()
    {
        var store = fixture.Emulator.Store;
        var email = Build.Email();
        var personId = fixture.Crm.SeedPerson("Lia", "Log", email);
        var tenant = await fixture.CreateTenantAsync(Services88);
        var contact = fixture.Contact(tenant, "c-stale");
        var log = fixture.Client.GetGrain<IConsentLogGrain>(tenant);
        await fixture.SendAsync(tenant, Consent("c-stale", personId, granted: true, at: Epoch));
        var granted = (await Eventually.GetAsync(contact.GetConsentsAsync, c => c.Length == 1 && c[0].SyncedAt is not null, "the consent to be synced"))[0];
        await fixture.SendAsync(tenant, Consent("c-stale", personId, granted: false, at: Epoch.AddMinutes(5)));
        await Eventually.ThatAsync(() => store.Read(s => !s.Consents.ContainsKey((personId, "EMAIL"))), "RemoveConsent to reach SuperOffice");
        var withdrawn = (await Eventually.GetAsync(contact.GetConsentsAsync, c => c[0] is { Granted: false, SyncedAt: not null }, "the withdrawal to be synced"))[0];
        await Eventually.GetAsync(() => log.GetSinceAsync(0, 100), p => p.Entries.Any(e => e.ContactId == "c-stale" && !e.Record.Granted), "the withdrawal in the log");

        // The log still holding the grant, as it does between a contact's sync and its log update.
        await log.PutAsync("c-stale", personId, granted);
        var run = await fixture.Client.GetGrain<IConsentReconcilerGrain>(tenant).ReconcileAsync();

        run.ShouldBe(run with { Persons = 1, InSync = 1, TakenFromCrm = 0, PushedToCrm = 0, Failed = 0 });
        (await contact.GetConsentsAsync()).ShouldHaveSingleItem().ShouldBe(withdrawn, "SuperOffice agrees with the contact; nothing to take");
    }

    [Fact]
    public async Task Withdrawing_email_marketing_cancels_the_contact_s_pending_actions_and_its_lead()
    {
        var sale = new Automation("form-sale", "Form sale", new AutomationMatch(TriggerType.FormSubmitted),
            [new CreateSaleAction("Demo", 100, null, 10, ActionOwner.Associate(102)), new CreateTaskAction(null, "Call", 1, ActionOwner.Associate(102))]);
        var tenant = await fixture.CreateTenantAsync(Services88, sale);
        var email = Build.Email();

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.FormSubmitted, "c-withdraw", email));
        (await fixture.LeadsAsync(tenant, 1)).Items.ShouldHaveSingleItem().ContactId.ShouldBe("c-withdraw");

        var withdrawal = Build.Trigger(TriggerType.ConsentChanged, "c-withdraw", email, second: 30) with { Consent = new ConsentChange("email-marketing", "consent", false, "unsubscribe-link") };
        await fixture.SendAsync(tenant, withdrawal);

        var view = await Eventually.GetAsync(() => fixture.ViewAsync(tenant, "c-withdraw"), v => v!.Lead is null && v.Outbox.IsEmpty, "the withdrawal to cancel the lead's actions");
        view!.Outcomes.Select(o => (o.Kind, o.Status, o.ErrorType)).ShouldBe(
            [(ActionKind.CreateSale, OutcomeStatus.Cancelled, "ConsentWithdrawn"), (ActionKind.CreateTask, OutcomeStatus.Cancelled, "ConsentWithdrawn")]);
        view.Decisions.ShouldHaveSingleItem().Kind.ShouldBe(LeadDecisionKind.ConsentWithdrawn);
        await fixture.LeadsAsync(tenant, 0);
        (await fixture.Contact(tenant, "c-withdraw").GetConsentsAsync()).ShouldHaveSingleItem().Granted.ShouldBeFalse();
    }

    [Fact]
    public async Task A_Services75_tenant_keeps_the_records_in_its_consent_log_read_with_since_paging()
    {
        var tenant = await fixture.CreateTenantAsync();
        await fixture.SendAsync(tenant, Consent("c-75-a", null, true, Epoch), Consent("c-75-b", null, true, Epoch));
        var log = fixture.Client.GetGrain<IConsentLogGrain>(tenant);
        var first = await Eventually.GetAsync(() => log.GetSinceAsync(0, 1), p => p.HasMore, "two entries in the consent log");
        first.Entries.ShouldHaveSingleItem();
        var second = await log.GetSinceAsync(first.Next, 1);
        second.Entries.ShouldHaveSingleItem().ContactId.ShouldNotBe(first.Entries[0].ContactId);
        second.HasMore.ShouldBeFalse();
        (await log.GetSinceAsync(second.Next, 10)).Entries.ShouldBeEmpty();

        // A change moves the contact's entry to the end of the log: readers see it once more, after what they read.
        await fixture.SendAsync(tenant, Consent(first.Entries[0].ContactId, null, false, Epoch.AddMinutes(1)));
        var changed = await Eventually.GetAsync(() => log.GetSinceAsync(second.Next, 10), p => p.Entries.Length == 1, "the change after the cursor");
        changed.Entries[0].Record.Granted.ShouldBeFalse();
        (await fixture.Contact(tenant, first.Entries[0].ContactId).GetConsentsAsync())[0].SyncedAt.ShouldBeNull("Services75 has nowhere to sync to");
        (await fixture.Client.GetGrain<IConsentReconcilerGrain>(tenant).ReconcileAsync()).Skipped.ShouldNotBeNull();
    }

    private static Tenants.TenantSettings Services88(Tenants.TenantSettings s) => s with { Crm = s.Crm with { ServicesVersion = "88" } };

    private static Trigger Consent(string contactId, int? personId, bool granted, DateTimeOffset at) =>
        Build.Trigger(TriggerType.ConsentChanged, contactId, personId is null ? Build.Email() : null, crmPersonId: personId) with
        {
            OccurredAt = at,
            Consent = new ConsentChange("email-marketing", "consent", granted, "form", "Ticked the box"),
        };
}
