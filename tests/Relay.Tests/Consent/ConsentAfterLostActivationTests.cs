using Orleans.Core.Internal;
using Relay.Contacts;
using Relay.NetServerEmulator.Faults;
using Relay.Tests.Resilience;
using Relay.Triggers;

namespace Relay.Tests.Consent;

/// <summary>A consent change still owed to SuperOffice survives the loss of its contact's activation.</summary>
/// <remarks>
/// In the resilience cluster: grain state is kept outside the silos, so a lost activation is read back from the store,
/// and the reminder table lives on, as durable reminders do in production.
/// </remarks>
[Collection(ResilienceClusterCollection.Name)]
public sealed class ConsentAfterLostActivationTests(ResilienceClusterFixture fixture)
{
    private EmulatorCluster Relay => fixture.Cluster;

    [Fact]
    public async Task A_consent_change_whose_sync_was_pending_when_the_activation_was_lost_is_synced_by_the_reminder_without_another_trigger()
    {
        var store = Relay.Emulator.Store;
        var personId = store.AddPerson("Rita", "Reminder", Build.Email()).PersonId;
        var tenant = await Relay.CreateTenantAsync(1000, s => s with { Crm = s.Crm with { ServicesVersion = "88" } });
        var contact = Relay.Client.GetGrain<IContactGrain>(ContactKey.Of(tenant, "c-lost"));
        var failing = Relay.Emulator.Faults.Add(new FaultRule { Operation = "Person.SetConsent", Kind = FaultKind.Http503 });
        try
        {
            await Relay.SendAsync(tenant, Build.Trigger(TriggerType.ConsentChanged, "c-lost", crmPersonId: personId));
            await Eventually.ThatAsync(() => failing.Fired > 0, "SuperOffice to refuse the consent for now");
            (await Eventually.GetAsync(() => Relay.HasDrainReminderAsync(tenant, "c-lost"), has => has, "the drain reminder while the consent waits")).ShouldBeTrue();

            // The activation goes, as with its silo, while SuperOffice still refuses: only the reminder can bring it back.
            var lost = Relay.Faults.LastActivation(contact.GetGrainId()).ShouldNotBeNull();
            await contact.Cast<IGrainManagementExtension>().DeactivateOnIdle();

            // Gone, or already replaced: a reminder tick that arrives while it deactivates starts the next one at once.
            var management = Relay.Client.GetGrain<IManagementGrain>(0);
            await Eventually.GetAsync(
                async () => (Silo: await management.GetActivationAddress(contact), Activation: Relay.Faults.LastActivation(contact.GetGrainId())),
                now => now.Silo is null || now.Activation != lost,
                "the contact's activation to be gone");
        }
        finally
        {
            Relay.Emulator.Faults.Clear();
        }

        // Nothing calls the contact from here on: no trigger, no read, until SuperOffice has the consent.
        await Eventually.ThatAsync(
            () => store.Read(s => s.Consents.TryGetValue((personId, "EMAIL"), out var c) && c.LegalBaseKey == "CONSENT"),
            "the reminder to bring the contact back and sync its consent",
            TimeSpan.FromMinutes(3));
        var record = (await contact.GetConsentsAsync()).ShouldHaveSingleItem();
        record.SyncedAt.ShouldNotBeNull();
        record.SyncError.ShouldBeNull();
    }

}
