using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Streams;
using Orleans.Streams.Core;
using Relay.Contacts;
using Relay.DeadLetters;
using Relay.Hosting;

namespace Relay.Triggers;

/// <summary>A trigger lane's consumer (<see cref="TriggerLanes"/>). Key: the lane's stream key.</summary>
[Alias("relay.ITriggerLaneGrain")]
public interface ITriggerLaneGrain : IGrainWithStringKey;

/// <summary>
/// Consumes one trigger lane and hands each queue message's triggers (one contact's, in order) to their contact with one
/// grain call. The pulling agent delivers a lane's messages one at a time and counts a message delivered only when this
/// returns, which is after the contact wrote the triggers; a contact that throws (its storage failing) fails the
/// delivery, so the message is delivered again or given back to its queue, as when contacts consumed their own streams.
/// Placed on the silo whose pulling agent first delivers to it, so the hand-over costs no network hop.
/// </summary>
[ImplicitStreamSubscription(RelayStorage.TriggerStreamNamespace)]
[PreferLocalPlacement]
public sealed partial class TriggerLaneGrain(RelayClock time, ILogger<TriggerLaneGrain> logger)
    : Grain, ITriggerLaneGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<TriggerEnvelope>
{
    Task IStreamSubscriptionObserver.OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<TriggerEnvelope>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<TriggerEnvelope>> items)
    {
        // A message holds one contact's triggers; should several contacts' follow each other, each run goes in order.
        var routes = items.Select(x => RouteOf(x.Item)).ToArray();
        var start = 0;
        for (var i = 1; i <= items.Count; i++)
        {
            if (i == items.Count || !string.Equals(routes[i], routes[start], StringComparison.Ordinal))
            {
                await DeliverAsync(routes[start], [.. items.Skip(start).Take(i - start).Select(x => x.Item)]);
                start = i;
            }
        }
    }

    public Task OnNextAsync(TriggerEnvelope item, StreamSequenceToken? token = null) => DeliverAsync(RouteOf(item), [item]);

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private Task DeliverAsync(string? contactKey, ImmutableArray<TriggerEnvelope> triggers)
    {
        return contactKey is null ? DeadLetterAsync(triggers) : GrainFactory.GetGrain<IContactGrain>(contactKey).AcceptAsync(triggers);
    }

    /// <summary>
    /// Ingest and replay only queue envelopes with a tenant and a contact, so this is a bug elsewhere: the envelopes go to
    /// their tenant's dead letters when they name one, and are logged either way.
    /// </summary>
    private async Task DeadLetterAsync(ImmutableArray<TriggerEnvelope> triggers)
    {
        LogUnroutable(logger, this.GetPrimaryKeyString(), triggers.Length);
        foreach (var envelope in triggers.Where(e => e?.TenantId is { Length: > 0 } t && !t.Contains(':', StringComparison.Ordinal)))
        {
            var key = ContactKey.Of(envelope.TenantId, envelope.Trigger?.Contact?.Id ?? "?");
            var (errorType, reason) = DeadLetterDecisions.Inspect(envelope, key) ?? ("MissingContact", "The trigger names no contact.");
            await GrainFactory.GetGrain<IDeadLetterGrain>(envelope.TenantId).AddAsync(DeadLetterDecisions.Of(envelope, key, errorType, reason, time.GetUtcNow()));
        }
    }

    /// <summary>
    /// The contact an envelope is for; on a contact's own stream (before lanes) that contact, whatever the envelope says,
    /// so that the contact dead-letters an envelope that does not match, as it did then.
    /// </summary>
    private string? RouteOf(TriggerEnvelope? envelope)
    {
        var key = this.GetPrimaryKeyString();
        if (!TriggerLanes.IsLane(key))
        {
            return key;
        }

        return envelope is { TenantId: { Length: > 0 } tenant, Trigger.Contact.Id: { Length: > 0 } contact } && !tenant.Contains(':', StringComparison.Ordinal)
            ? ContactKey.Of(tenant, contact)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Trigger lane {Lane}: {Count} trigger(s) without a tenant or contact; dead-lettered where they name a tenant")]
    private static partial void LogUnroutable(ILogger logger, string lane, int count);
}
