using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using Relay.Crm;
using Relay.Triggers;

namespace Relay.Hosting.Streams;

/// <summary>
/// What a silo knows about trigger deliveries that failed for longer than the stream's delivery window. Orleans then
/// moves on to the contact's next event and, without this, lets the queue message be deleted: the trigger was lost.
/// Here the pulling agent's failure handler records the failed event, the queue receiver keeps its message in the
/// queue (<see cref="RedeliveringQueueAdapterFactory"/>), and the queue hands it over again once it is visible again.
/// </summary>
/// <remarks>
/// The count of triggers waiting is this silo's: the triggers it gave back and has not seen delivered since. A silo that
/// dies forgets its count, not its triggers (they are in the queue); a trigger picked up again by another silo leaves
/// this count after <see cref="ForgetAfter"/>.
/// </remarks>
public sealed partial class TriggerRedelivery : IStreamFailureHandler
{
    /// <summary>How long a given-back trigger counts as waiting when this silo never sees it delivered.</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(StreamId Stream, StreamSequenceToken Token), List<(string Contact, string TriggerId)>> _inCache = new();
    private readonly ConcurrentDictionary<(StreamId Stream, StreamSequenceToken Token), DateTimeOffset> _failed = new();
    private readonly ConcurrentDictionary<(string Contact, string TriggerId), DateTimeOffset> _waiting = new();
    private readonly TimeProvider _time;
    private readonly ILogger<TriggerRedelivery> _logger;
    private readonly Counter<long> _givenBack;

    public TriggerRedelivery(IMeterFactory meters, TimeProvider time, ILogger<TriggerRedelivery> logger)
    {
        _time = time;
        _logger = logger;
        var meter = meters.Create(RelayMetrics.MeterName);
        _givenBack = meter.CreateCounter<long>("relay.triggers.redelivered", description: "Triggers whose delivery failed for the whole delivery window and that were left in their queue to be delivered again");
        meter.CreateObservableGauge("relay.triggers.redelivery.waiting", () => (long)Waiting, description: "Triggers this silo left in their queue for redelivery and has not yet seen delivered");
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

            foreach (var entry in _failed.Where(e => e.Value < horizon))
            {
                _failed.TryRemove(entry);
            }

            return _waiting.Count;
        }
    }

    /// <summary>When this silo last gave a trigger back, if ever.</summary>
    public DateTimeOffset? LastGivenBack { get; private set; }

    /// <summary>Implicit subscriptions never fault; the event is kept instead.</summary>
    public bool ShouldFaultSubsriptionOnError => false;

    /// <summary>Called by the pulling agent once it gave up delivering an event: its message must stay in the queue.</summary>
    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        if (sequenceToken is not null)
        {
            var now = _time.GetUtcNow();
            _failed[(streamIdentity, sequenceToken)] = now;
            foreach (var key in _inCache.TryRemove((streamIdentity, sequenceToken), out var keys) ? keys : [])
            {
                _waiting[key] = now;
                _givenBack.Add(1);
            }

            LastGivenBack = now;
        }

        LogDeliveryFailed(_logger, streamIdentity.ToString(), sequenceToken?.ToString());
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        Task.CompletedTask;

    /// <summary>Notes which triggers the batches just read from a queue carry, to count them if their delivery fails.</summary>
    public void Read(IList<IBatchContainer> batches)
    {
        foreach (var batch in batches)
        {
            if (batch.SequenceToken is { } token)
            {
                _inCache[(batch.StreamId, token)] = Triggers(batch);
            }
        }
    }

    /// <summary>
    /// Splits the batches the queue cache is done with into those whose delivery succeeded, which the queue may
    /// delete, and those it must keep; counts what is kept as waiting and what was delivered as no longer waiting.
    /// </summary>
    public IList<IBatchContainer> Settle(IList<IBatchContainer> done)
    {
        var delivered = new List<IBatchContainer>(done.Count);
        foreach (var batch in done)
        {
            var id = (batch.StreamId, batch.SequenceToken!);
            _inCache.TryRemove(id, out var keys);
            if (batch.SequenceToken is not null && _failed.TryRemove(id, out _))
            {
                continue;
            }

            foreach (var key in keys ?? Triggers(batch))
            {
                _waiting.TryRemove(key, out _);
            }

            delivered.Add(batch);
        }

        return delivered;
    }

    private List<(string Contact, string TriggerId)> Triggers(IBatchContainer batch)
    {
        var contact = batch.StreamId.GetKeyAsString();
        List<(string Contact, string TriggerId)> keys;
        try
        {
            keys = [.. batch.GetEvents<TriggerEnvelope>().Select(e => (contact, e.Item1.Trigger.Id))];
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An event that cannot be read is the contact's business (it dead-letters it); it is not counted here.
            LogUnreadable(_logger, ex, contact);
            keys = [];
        }

        return keys;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Stream} failed for the whole delivery window; event {Token} stays in its queue and is delivered again")]
    private static partial void LogDeliveryFailed(ILogger logger, string stream, string? token);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A trigger batch for {Contact} could not be read to count it")]
    private static partial void LogUnreadable(ILogger logger, Exception ex, string contact);
}
