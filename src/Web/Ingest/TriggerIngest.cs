using System.Collections.Concurrent;
using Orleans.Runtime;
using Relay.Contacts;
using Relay.Observability;
using Relay.Triggers;
using Relay.Web.Recovery;

namespace Relay.Web.Ingest;

/// <summary>Hands validated triggers to their contacts' trigger lanes; a trigger counts as accepted once its lane has it.</summary>
public sealed class TriggerIngest(IClusterClient client, ClusterCalls calls, TimeProvider time, PipelineMetrics metrics, ILogger<TriggerIngest> logger)
{
    /// <summary>How many contacts' streams are fed at once.</summary>
    private const int Parallelism = 32;

    /// <summary>At most this many of one contact's triggers share a stream message (an Azure queue message holds 64 KiB).</summary>
    private const int TriggersPerMessage = 16;

    /// <summary>
    /// Sends the triggers, keeping each contact's triggers in batch order; contacts go in parallel. A send the
    /// recovering cluster refuses is tried again within <paramref name="budget"/>.
    /// Returns the ids that were handed over and, if some were not, the failure.
    /// </summary>
    public async Task<(IReadOnlyList<string> Accepted, Exception? Failure)> SendAsync(string tenantId, IReadOnlyList<Trigger> triggers, RecoveryBudget budget)
    {
        var provider = client.GetStreamProvider(RelayStorage.TriggerStreamProvider);
        var accepted = new ConcurrentDictionary<int, bool>();
        var byContact = triggers.Select((t, i) => (Trigger: t, Index: i)).GroupBy(x => x.Trigger.Contact.Id, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        Exception? failure = null;
        using var activity = RelayTelemetry.Source.StartActivity("ingest");
        activity?.SetTag("relay.tenant", tenantId);
        activity?.SetTag("relay.triggers", triggers.Count);
        try
        {
            await Parallel.ForEachAsync(byContact, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (group, _) =>
            {
                var stream = provider.GetStream<TriggerEnvelope>(TriggerLanes.For(tenantId, group.Key));
                // A contact's triggers travel together, a few per queue message: fewer storage transactions, same order.
                foreach (var chunk in group.Chunk(TriggersPerMessage))
                {
                    await calls.RunAsync(budget, () => stream.OnNextBatchAsync([.. chunk.Select(x => new TriggerEnvelope(tenantId, x.Trigger, now))]));
                    foreach (var (trigger, index) in chunk)
                    {
                        accepted[index] = true;
                        metrics.Received(tenantId, trigger.Type);
                    }
                }
            });
        }
        catch (Exception ex)
        {
            failure = ex;
            logger.LogWarning(ex, "{Accepted} of {Count} triggers of {Tenant} were queued before a send failed", accepted.Count, triggers.Count, tenantId);
        }

        return ([.. triggers.Where((_, i) => accepted.ContainsKey(i)).Select(t => t.Id)], failure);
    }
}
