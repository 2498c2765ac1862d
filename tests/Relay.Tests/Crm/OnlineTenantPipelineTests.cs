using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Relay.Contacts;
using Relay.Crm.Lookups;
using Relay.Crm.Online;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Crm;

/// <summary>
/// An Online tenant through the whole pipeline (contact grains, circuit breaker, rate limit, the SOAP adapter) against
/// the emulator's Online hosts: a move mid-run and a pause cost no attempt, park nothing and lose nothing.
/// </summary>
public sealed partial class OnlineTenantPipelineTests
{
    [GeneratedRegex("#relay-ref:(RLY-[0-9A-F]+)#")]
    private static partial Regex ReferencePattern();

    [Fact]
    public async Task Many_triggers_with_the_tenant_moved_mid_run_create_every_task_once_and_park_nothing()
    {
        await using var relay = await EmulatorCluster.StartAsync(silos: 2, online: true);
        // At 100 calls a second the run takes seconds, so the move lands in the middle of it.
        var tenant = await relay.CreateOnlineTenantAsync(100, Build.Automation(TriggerType.FormSubmitted, new CreateTaskAction(3, "Call back", 2, ActionOwner.CompanyAssociate)));
        var contacts = Contacts(relay.Emulator.Store, 120);

        await relay.SendAsync(tenant, [.. contacts.Select(c => Build.Trigger(TriggerType.FormSubmitted, c.Id, c.Email))]);
        await Eventually.ThatAsync(() => Tasks(relay.Emulator.Store).Count >= contacts.Count / 3, "a third of the tasks before the move");
        relay.Emulator.Online.Move();
        Tasks(relay.Emulator.Store).Count.ShouldBeLessThan(contacts.Count, "the move came before the run ended");

        await Eventually.ThatAsync(() => Tasks(relay.Emulator.Store).Count >= contacts.Count, "every task", TimeSpan.FromMinutes(2));
        var views = await DrainedAsync(relay, tenant, contacts);
        var tasks = Tasks(relay.Emulator.Store);
        tasks.Count.ShouldBe(contacts.Count);
        tasks.Distinct().Count().ShouldBe(contacts.Count, "each task once");
        views.ShouldAllBe(v => v.Parked.IsEmpty && v.Outcomes.All(o => o.Status == OutcomeStatus.Succeeded));
        relay.Emulator.Online.CurrentHost.ShouldBe(1);

        // A panel's ticket check follows the tenant to its new host too.
        var user = await relay.Client.GetGrain<ICrmLookupGrain>(tenant).ResolveUserTicketAsync(DemoSeed.Ticket);
        user.ShouldNotBeNull().AssociateId.ShouldBe(101);
    }

    [Fact]
    public async Task A_plaintext_system_user_token_stored_earlier_is_protected_when_the_tenant_activates_and_still_signs_in()
    {
        await using var relay = await EmulatorCluster.StartAsync(silos: 1, online: true);
        var serializer = relay.Cluster.GetSiloServiceProvider(relay.Cluster.Silos[0].SiloAddress).GetRequiredService<Serializer>();
        var context = relay.Emulator.Store.ContextIdentifier;
        var token = relay.Emulator.Applications.IssueSystemToken(EmulatorCluster.OnlineClientId, context);
        var tenant = "o-" + Guid.NewGuid().ToString("N")[..12];
        var grain = relay.Client.GetGrain<ITenantGrain>(tenant);
        var crm = new TenantCrmSettings(string.Empty, "88", Online: new TenantOnlineSettings(context, EmulatorCluster.OnlineEnvironment, token));
        relay.Storage.Write(serializer, "tenant", grain.GetGrainId(), new TenantState { Settings = new TenantSettings("Legacy", crm, DefaultOwnerAssociateId: 101), Version = 2 });
        (await grain.PutAutomationsAsync([Build.Automation(TriggerType.FormSubmitted, new CreateTaskAction(3, "Call back", 2, ActionOwner.CompanyAssociate))])).Errors.ShouldBeEmpty();

        var config = (await grain.GetConfigAsync()).ShouldNotBeNull();

        config.Settings.Crm.Online!.SystemUserToken.ShouldStartWith(Relay.Crm.CrmSecrets.Prefix);
        Encoding.UTF8.GetString(relay.Storage.Raw("tenant", grain.GetGrainId()).ShouldNotBeNull()).ShouldNotContain(token);
        var contact = Contacts(relay.Emulator.Store, 1)[0];
        await relay.SendAsync(tenant, Build.Trigger(TriggerType.FormSubmitted, contact.Id, contact.Email));
        await Eventually.ThatAsync(() => Tasks(relay.Emulator.Store).Count == 1, "the task, made by the system user the protected token signs in");
    }

    [Fact]
    public async Task A_paused_tenant_holds_its_work_without_attempts_or_parking_and_finishes_once_it_runs_again()
    {
        await using var relay = await EmulatorCluster.StartAsync(silos: 2, online: true);
        var tenant = await relay.CreateOnlineTenantAsync(1000, Build.Automation(TriggerType.FormSubmitted, new CreateTaskAction(3, "Call back", 2, ActionOwner.CompanyAssociate)));
        var contacts = Contacts(relay.Emulator.Store, 20);
        await relay.SendAsync(tenant, [.. contacts.Select(c => Build.Trigger(TriggerType.FormSubmitted, c.Id, c.Email, second: 1))]);
        await Eventually.ThatAsync(() => Tasks(relay.Emulator.Store).Count >= contacts.Count, "the tasks before the pause");
        await DrainedAsync(relay, tenant, contacts);

        relay.Emulator.Online.SetState("OfflineUpgrade");
        await relay.SendAsync(tenant, [.. contacts.Select(c => Build.Trigger(TriggerType.FormSubmitted, c.Id, c.Email, second: 2))]);
        await Eventually.GetAsync(
            () => relay.ViewAsync(tenant, contacts[0].Id),
            v => v is { Outbox: [{ LastErrorType: OnlineErrors.TenantNotRunning }, ..] },
            "the first contact's new task to wait for the paused tenant");
        var paused = await relay.Client.GetGrain<ICrmLookupGrain>(tenant).GetOnlineStateAsync();
        paused.IsRunning.ShouldBeFalse();
        paused.State.ShouldBe("OfflineUpgrade");
        Tasks(relay.Emulator.Store).Count.ShouldBe(contacts.Count);

        relay.Emulator.Online.SetState("Running");
        await Eventually.ThatAsync(() => Tasks(relay.Emulator.Store).Count >= 2 * contacts.Count, "every task once the tenant runs", TimeSpan.FromMinutes(1));
        var views = await DrainedAsync(relay, tenant, contacts);
        Tasks(relay.Emulator.Store).Distinct().Count().ShouldBe(2 * contacts.Count);
        views.ShouldAllBe(v => v.Parked.IsEmpty && v.Outcomes.Length == 2 && v.Outcomes.All(o => o.Status == OutcomeStatus.Succeeded && o.Attempts == 1));
        (await relay.Client.GetGrain<ICrmLookupGrain>(tenant).GetOnlineStateAsync()).IsRunning.ShouldBeTrue();
    }

    [Fact]
    public async Task Legal_basis_syncs_both_ways_for_an_Online_tenant_through_the_system_user_on_its_current_host()
    {
        await using var relay = await EmulatorCluster.StartAsync(silos: 1, online: true);
        var tenant = await relay.CreateOnlineTenantAsync(100);
        var store = relay.Emulator.Store;
        var person = store.AddPerson("Olga", "Online", Build.Email()).PersonId;
        var contact = relay.Client.GetGrain<IContactGrain>(ContactKey.Of(tenant, "c-online-consent"));
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

        // Recorded in Relay: reaches SuperOffice through the system user, on the tenant's numbered host.
        await relay.SendAsync(tenant, ConsentTrigger(person, granted: true, at));
        await Eventually.ThatAsync(() => store.Read(s => s.Consents.TryGetValue((person, "EMAIL"), out var c) && c.LegalBaseKey == "CONSENT"), "SetConsent to reach SuperOffice");
        await Eventually.GetAsync(() => contact.GetConsentsAsync(), c => c is [{ SyncedAt: not null }], "the record to be marked synced");
        var consentCalls = relay.Emulator.Requests.Snapshot().Where(r => r.Operation == "SetConsent").ToList();
        consentCalls.ShouldNotBeEmpty();
        consentCalls.ShouldAllBe(r => r.Path.StartsWith($"/{store.ContextIdentifier}/Remote/Services88/", StringComparison.Ordinal) && r.Status == 200);

        // Changed in SuperOffice, later: the reconciliation takes it into Relay.
        store.SetConsent(person, "EMAIL", "LEGITIMATEINTEREST", at.AddHours(1).UtcDateTime, "MANUAL", "Phoned in");
        relay.Emulator.Online.Move();
        var run = await relay.Client.GetGrain<Relay.Consent.IConsentReconcilerGrain>(tenant).ReconcileAsync();
        run.ShouldBe(run with { Persons = 1, TakenFromCrm = 1, PushedToCrm = 0, Failed = 0 });
        var taken = await Eventually.GetAsync(() => contact.GetConsentsAsync(), c => c is [{ LegalBasis: "legitimate-interest" }], "SuperOffice's consent to be taken in");
        taken[0].Origin.ShouldBe(Relay.Consent.ConsentOrigin.SuperOffice);
    }

    private static Trigger ConsentTrigger(int personId, bool granted, DateTimeOffset at) =>
        Build.Trigger(TriggerType.ConsentChanged, "c-online-consent", null, crmPersonId: personId) with
        {
            OccurredAt = at,
            Consent = new ConsentChange("email-marketing", "consent", granted, "form", "Ticked the box"),
        };

    /// <summary>Contacts with persons of their own in the emulator, so each links to exactly one.</summary>
    private static List<(string Id, string Email)> Contacts(EmulatorStore store, int count)
    {
        var company = store.AddCompany("Online AB", associateId: 101).CompanyId;
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var email = Build.Email();
            store.AddPerson("Online", $"{i}", email, company);
            return ($"c{i}", email);
        })];
    }

    private static async Task<ContactView[]> DrainedAsync(EmulatorCluster relay, string tenant, List<(string Id, string Email)> contacts) =>
        [.. (await Task.WhenAll(contacts.Select(c => Eventually.GetAsync(() => relay.ViewAsync(tenant, c.Id), v => v is { Outbox.IsEmpty: true }, $"{c.Id}'s outbox to drain")))).Select(v => v!)];

    /// <summary>The references of every appointment in the emulator, once per appointment.</summary>
    private static List<string> Tasks(EmulatorStore store) => store.Read(s =>
        s.Appointments.Values.Select(a => ReferencePattern().Match(a.Description ?? string.Empty)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList());
}
