using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streaming.Diagnostics;
using Orleans.Streams;
using Relay.Contacts;
using Relay.Crm;
using Relay.Triggers;

namespace Relay.Hosting.Streams;

/// <summary>
/// Lets a trigger's queue message go only once its contact took the trigger. Orleans' queue cache hands every message
/// it is done with to the receiver for deletion, including messages its pulling agent skipped: one whose delivery
/// failed for the whole delivery window, or, when the handshake with a contact that cannot be activated fails
/// (storage down), every message the agent's new cursor starts after. Those triggers were lost. Here the agent's
/// <c>MessageDelivered</c> diagnostic event marks each batch a contact accepted, and the receiver
/// (<see cref="RedeliveringQueueAdapterFactory"/>) deletes only those; the others stay in their queue, reappear after
/// the visibility timeout and are delivered again (the contact drops a trigger it has already recorded).
/// </summary>
/// <remarks>
/// The count of triggers waiting is this silo's: the triggers it gave back and has not seen delivered since. A silo that
/// dies forgets its count, not its triggers (they are in the queue); a trigger picked up again by another silo leaves
/// this count after <see cref="ForgetAfter"/>.
/// </remarks>
public sealed partial class TriggerRedelivery : IStreamFailureHandler, IObserver<StreamingEvents.StreamingEvent>, IDisposable
{
    /// <summary>How long a given-back trigger counts as waiting when this silo never sees it delivered.</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private static readonly object Seen = new();
    private readonly ConditionalWeakTable<IBatchContainer, object> _delivered = [];
    private readonly ConcurrentDictionary<(StreamId Stream, StreamSequenceToken Token), IBatchContainer> _inCache = new();
    private readonly ConcurrentDictionary<(string Contact, string TriggerId), DateTimeOffset> _waiting = new();
    private readonly TimeProvider _time;
    private readonly ILogger<TriggerRedelivery> _logger;
    private readonly Counter<long> _givenBack;
    private readonly Lazy<IDisposable> _subscription;

    public TriggerRedelivery(IMeterFactory meters, TimeProvider time, ILogger<TriggerRedelivery> logger)
    {
        _time = time;
        _logger = logger;
        var meter = meters.Create(RelayMetrics.MeterName);
        _givenBack = meter.CreateCounter<long>("relay.triggers.redelivered", description: "Triggers left in their queue to be delivered again because their contact did not take them (storage failing)");
        meter.CreateObservableGauge("relay.triggers.redelivery.waiting", () => (long)Waiting, description: "Triggers this silo left in their queue for redelivery and has not yet seen delivered");
        _subscription = new(() => StreamingEvents.AllEvents.Subscribe(this));
    }

    /// <summary>How many triggers this silo gave back to their queue and has not yet seen delivered.</summary>
    public int Waiting
    {
        get
        {
            var horizon = _time.GetUtcNow() - ForgetAfter;
            foreach (var entry in _waiting.Where(e => e.Value < horizon))
            {
                _waiting.TryRemove(entry);
            }

            return _waiting.Count;
        }
    }

    /// <summary>Implicit subscriptions never fault; the event stays in its queue instead.</summary>
    public bool ShouldFaultSubsriptionOnError => false;

    /// <summary>Called by the pulling agent once it gave up delivering an event; its message stays in the queue.</summary>
    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        // Orleans' cache keeps a failed batch from the receiver, so it is counted here rather than when it is settled.
        if (sequenceToken is not null && _inCache.TryRemove((streamIdentity, sequenceToken), out var batch))
        {
            GiveBack(Triggers(batch));
        }

        LogDeliveryFailed(_logger, streamIdentity.ToString(), sequenceToken?.ToString());
        return Task.CompletedTask;
    }

    /// <summary>Called when the agent could not reach a contact to start delivering its stream (it cannot be activated).</summary>
    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogHandshakeFailed(_logger, streamIdentity.ToString());
        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts watching the pulling agents' deliveries; called by the queue receiver that acts on them, so a silo without
    /// one (the embedded memory streams) pays nothing per delivery.
    /// </summary>
    public void WatchDeliveries() => _ = _subscription.Value;

    /// <summary>Keeps the batches just read from a queue by their token, so a failed delivery can count their triggers.</summary>
    public void Read(IList<IBatchContainer> batches)
    {
        foreach (var batch in batches)
        {
            if (batch.SequenceToken is { } token)
            {
                _inCache[(batch.StreamId, token)] = batch;
            }
        }
    }

    /// <summary>
    /// Of the batches the queue cache is done with, returns those a contact took, which the queue may delete; the
    /// others stay in the queue and count as waiting until a copy of them is delivered.
    /// </summary>
    public IList<IBatchContainer> Settle(IList<IBatchContainer> done)
    {
        var delivered = new List<IBatchContainer>(done.Count);
        foreach (var batch in done)
        {
            if (batch.SequenceToken is { } token)
            {
                _inCache.TryRemove((batch.StreamId, token), out _);
            }

            if (!_delivered.Remove(batch))
            {
                GiveBack(Triggers(batch));
                continue;
            }

            // Reading the batch's trigger ids costs; only a silo with triggers given back needs them.
            if (!_waiting.IsEmpty)
            {
                foreach (var key in Triggers(batch))
                {
                    _waiting.TryRemove(key, out _);
                }
            }

            delivered.Add(batch);
        }

        return delivered;
    }

    void IObserver<StreamingEvents.StreamingEvent>.OnNext(StreamingEvents.StreamingEvent value)
    {
        if (value is StreamingEvents.MessageDelivered { StreamProvider: RelayStorage.TriggerStreamProvider } delivered)
        {
            // A pulling agent that delivers several cached batches at once wraps them; each of them was delivered.
            foreach (var batch in delivered.Batch is IBatchContainerBatch several ? several.BatchContainers : [delivered.Batch])
            {
                _delivered.AddOrUpdate(batch, Seen);
            }
        }
    }

    void IObserver<StreamingEvents.StreamingEvent>.OnCompleted()
    {
    }

    void IObserver<StreamingEvents.StreamingEvent>.OnError(Exception error)
    {
    }

    public void Dispose()
    {
        if (_subscription.IsValueCreated)
        {
            _subscription.Value.Dispose();
        }
    }

    private void GiveBack(List<(string Contact, string TriggerId)> keys)
    {
        var now = _time.GetUtcNow();
        foreach (var key in keys)
        {
            _waiting[key] = now;
        }

        _givenBack.Add(keys.Count);
    }

    private List<(string Contact, string TriggerId)> Triggers(IBatchContainer batch)
    {
        var stream = batch.StreamId.GetKeyAsString();
        try
        {
            // On a lane the envelope names its contact; a contact's own stream (before lanes) is keyed by it.
            return [.. batch.GetEvents<TriggerEnvelope>().Select(e => (TriggerLanes.IsLane(stream) ? ContactKey.Of(e.Item1.TenantId, e.Item1.Trigger.Contact.Id) : stream, e.Item1.Trigger.Id))];
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An event that cannot be read is the contact's business (it dead-letters it); it is not counted here.
            LogUnreadable(_logger, ex, stream);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Stream} failed for the whole delivery window; event {Token} stays in its queue and is delivered again")]
    private static partial void LogDeliveryFailed(ILogger logger, string stream, string? token);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact stream {Stream} could not be started (its contact cannot be activated); its triggers stay in their queue and are delivered again")]
    private static partial void LogHandshakeFailed(ILogger logger, string stream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A trigger batch on stream {Stream} could not be read to count it")]
    private static partial void LogUnreadable(ILogger logger, Exception ex, string stream);
}
