using Orleans.Core.Internal;
using Relay.Contacts;
using Relay.Triggers;

namespace Relay.Benchmarks.Load;

/// <summary>The "memory" scenario: managed memory per idle contact, with and without its activation.</summary>
internal static class MemoryScenario
{
    /// <summary>Managed memory per activated contact that holds one timeline entry and is idle.</summary>
    public static async Task RunAsync(BenchHost host, RelayMeters meters, LoadOptions o, List<(string, string, double, string)> report)
    {
        const string tenant = "load-memory";
        await host.CreateTenantAsync(tenant, s => s with { LookUpNewContacts = false });
        var management = host.Grains.GetGrain<IManagementGrain>(0);
        var activationsBefore = await management.GetTotalActivationCount();
        var memoryBefore = LoadSupport.SettledMemory();
        var before = meters.Count("relay.triggers.processed");
        await LoadSupport.PostAllAsync(host, tenant, LoadSupport.Batches(o.MemoryContacts, o.MemoryContacts, i => (TriggerType.EmailOpened, $"m-{i}", $"m-{i}@load.example")), rate: 0);
        await BenchHost.WaitAsync(() => Task.FromResult(meters.Count("relay.triggers.processed") - before >= o.MemoryContacts), "every contact's trigger");
        var memoryAfter = LoadSupport.SettledMemory();
        var activations = await management.GetTotalActivationCount() - activationsBefore;
        report.Add(("idle contacts", "contacts activated", o.MemoryContacts, "count"));
        report.Add(("idle contacts", "grain activations added", activations, "count"));
        report.Add(("idle contacts", "managed memory per contact (activation + stored state)", (memoryAfter - memoryBefore) / (double)o.MemoryContacts, "bytes"));

        // What stays once the grains are gone: the state embedded storage keeps in this heap, and the pulling agent's
        // bookkeeping of each contact's stream (kept until the stream has been idle for a while).
        await Parallel.ForEachAsync(Enumerable.Range(0, o.MemoryContacts), async (i, ct) =>
            await host.Grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, $"m-{i}")).AsReference<IGrainManagementExtension>().DeactivateOnIdle(ct));
        await BenchHost.WaitAsync(async () => await management.GetTotalActivationCount() - activationsBefore <= activations - o.MemoryContacts, "the contacts deactivated");
        var memoryLeft = LoadSupport.SettledMemory();
        report.Add(("idle contacts", "of which left after the contacts deactivate (stored state, stream bookkeeping)", (memoryLeft - memoryBefore) / (double)o.MemoryContacts, "bytes"));
        report.Add(("idle contacts", "of which the activations", (memoryAfter - memoryLeft) / (double)o.MemoryContacts, "bytes"));
        Console.WriteLine($"memory: {(memoryAfter - memoryBefore) / (double)o.MemoryContacts:0} bytes per contact, {(memoryAfter - memoryLeft) / (double)o.MemoryContacts:0} of them the activation");
    }
}
