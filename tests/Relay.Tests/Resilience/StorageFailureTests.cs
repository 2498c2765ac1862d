using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Relay.Contacts;
using Relay.Triggers;

namespace Relay.Tests.Resilience;

/// <summary>What a contact does when its state cannot be written.</summary>
[Collection(ResilienceClusterCollection.Name)]
public sealed class StorageFailureTests(ResilienceClusterFixture fixture)
{
    private EmulatorCluster Relay => fixture.Cluster;

    [Fact]
    public async Task A_trigger_whose_write_fails_is_stored_when_it_is_delivered_again()
    {
        // No lookup and no automation: nothing but the trigger itself would write this contact again.
        var tenant = await Relay.CreateTenantAsync(10, s => s with { LookUpNewContacts = false });
        var contact = Relay.Client.GetGrain<IContactGrain>(ContactKey.Of(tenant, "c1")).GetGrainId();
        Relay.Storage.FailNextWrite(contact);
        var trigger = Build.Trigger(TriggerType.EmailOpened, "c1", Build.Email());

        await Relay.SendAsync(tenant, trigger);

        var serializer = Relay.Cluster.GetSiloServiceProvider(Relay.Cluster.Silos[0].SiloAddress).GetRequiredService<Serializer>();
        var stored = await Eventually.GetAsync(
            () => Task.FromResult(Relay.Storage.Read<ContactState>(serializer, "contact", contact)),
            s => s is not null, "the redelivered trigger to be stored");
        stored!.Timeline.ShouldHaveSingleItem().TriggerId.ShouldBe(trigger.Id);
        (await Relay.ViewAsync(tenant, "c1"))!.TimelineTotal.ShouldBe(1);
    }
}
