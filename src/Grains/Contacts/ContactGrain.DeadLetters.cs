using Microsoft.Extensions.Logging;
using Relay.DeadLetters;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Contacts;

/// <summary>
/// Triggers that cannot be processed: a stream event that throws is redelivered for about a minute and then
/// dropped, so a deterministic failure is caught here instead, kept in the tenant's dead letters with its reason,
/// and acknowledged; the contact's later triggers flow on.
/// </summary>
public sealed partial class ContactGrain
{
    /// <summary>
    /// Applies the trigger, or dead-letters it; null when it was dead-lettered. <paramref name="unwritten"/> are the
    /// triggers of the same delivery applied before it and not yet written.
    /// </summary>
    private async Task<TriggerDisposition?> AcceptOrDeadLetterAsync(TriggerEnvelope envelope, TenantConfig config, IReadOnlyList<TriggerEnvelope> unwritten)
    {
        var problem = DeadLetterDecisions.Inspect(envelope, GrainKey);
        if (problem is null)
        {
            try
            {
                return Apply(envelope.Trigger, config);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Plain code over this trigger and this configuration threw: it would throw again on every redelivery.
                problem = (ex.GetType().Name, $"Processing trigger {envelope.Trigger.Id} failed: {ex.Message}");

                // Accept may have changed the state before it threw; go back to what is stored, and apply the delivery's
                // earlier triggers again (they were applied to the same state before, so they apply the same way).
                await state.ReadStateAsync(CancellationToken.None);
                foreach (var earlier in unwritten)
                {
                    Apply(earlier.Trigger, config);
                }
            }
        }

        var (errorType, reason) = problem.Value;
        LogDeadLettered(logger, GrainKey, envelope?.Trigger?.Id, errorType, reason);
        await GrainFactory.GetGrain<IDeadLetterGrain>(_tenantId).AddAsync(DeadLetterDecisions.Of(envelope!, GrainKey, errorType, reason, time.GetUtcNow()));
        metrics.DeadLettered(_tenantId, errorType);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trigger {TriggerId} of contact {Contact} dead-lettered ({ErrorType}): {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string contact, string? triggerId, string errorType, string reason);
}
