using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Relay.Contacts;
using Relay.Leads;
using Relay.Tests.Resilience;
using Relay.Triggers;

namespace Relay.Tests.Leads;

/// <summary>The lead index is stored in the large-state storage of the emulator-backed cluster, not only held in memory.</summary>
[Collection(ResilienceClusterCollection.Name)]
public sealed class LeadIndexStorageTests(ResilienceClusterFixture fixture)
{
    private EmulatorCluster Relay => fixture.Cluster;

    [Fact]
    public async Task A_trigger_for_an_unknown_email_stores_its_lead_in_the_large_storage()
    {
        var tenant = await Relay.CreateTenantAsync(10, Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Lead", 100, null, 10, ActionOwner.Associate(101))));
        var email = Build.Email();

        await Relay.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c-lead", email));

        // The shard answers from memory while its write is under way, so wait for the stored state itself.
        var shard = LeadIndex.ShardOf(Relay.Client, tenant, "c-lead").GetGrainId();
        var serializer = Relay.Cluster.GetSiloServiceProvider(Relay.Cluster.Silos[0].SiloAddress).GetRequiredService<Serializer>();
        var stored = await Eventually.GetAsync(
            () => Task.FromResult(Relay.LargeStorage.Read<LeadIndexState>(serializer, "leads", shard)),
            s => s is not null && s.Rows.ContainsKey("c-lead"),
            $"the lead index shard of {tenant} to be stored in {RelayStorage.Large}");
        var row = stored!.Rows["c-lead"];
        row.Email.ShouldBe(email);
        row.Reason.ShouldBe(LeadReason.New);
        row.PendingActions.ShouldBe(1);
    }
}
