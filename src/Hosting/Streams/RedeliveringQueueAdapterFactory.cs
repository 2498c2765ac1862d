using Orleans.Runtime;
using Orleans.Streams;

namespace Relay.Hosting.Streams;

/// <summary>
/// Wraps a queue adapter factory (Azure Queue's) so that a message is deleted from its queue only once its batch was
/// delivered to its contact: the receiver passes on for deletion only the batches <see cref="TriggerRedelivery"/> saw
/// delivered, and Azure Queue shows the others again after their visibility timeout, to be delivered again.
/// <see cref="TriggerRedelivery"/> is also the pulling agent's failure handler.
/// </summary>
public sealed class RedeliveringQueueAdapterFactory : IQueueAdapterFactory
{
    private readonly IQueueAdapterFactory _inner;
    private readonly TriggerRedelivery _redelivery;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="redelivery"/> starts watching deliveries, which its receivers act on.</summary>
    public RedeliveringQueueAdapterFactory(IQueueAdapterFactory inner, TriggerRedelivery redelivery)
    {
        _inner = inner;
        _redelivery = redelivery;
        redelivery.WatchDeliveries();
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public async Task<IQueueAdapter> CreateAdapter() => new Adapter(await _inner.CreateAdapter(CancellationToken.None), _redelivery);

    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => new Adapter(await _inner.CreateAdapter(cancellationToken), _redelivery);

    public IQueueAdapterCache GetQueueAdapterCache() => _inner.GetQueueAdapterCache();

    public IStreamQueueMapper GetStreamQueueMapper() => _inner.GetStreamQueueMapper();

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(_redelivery);

    private sealed class Adapter(IQueueAdapter inner, TriggerRedelivery redelivery) : IQueueAdapter
    {
        public string Name => inner.Name;

        public bool IsRewindable => inner.IsRewindable;

        public StreamProviderDirection Direction => inner.Direction;

        public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
            inner.QueueMessageBatchAsync(streamId, events, token, requestContext);

        public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new Receiver(inner.CreateReceiver(queueId), redelivery);
    }

    private sealed class Receiver(IQueueAdapterReceiver inner, TriggerRedelivery redelivery) : IQueueAdapterReceiver
    {
        public Task Initialize(TimeSpan timeout) => inner.Initialize(timeout);

        [Obsolete("Use the overload which accepts a CancellationToken.")]
        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

        public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
        {
            var batches = await inner.GetQueueMessagesAsync(maxCount, cancellationToken);
            redelivery.Read(batches);
            return batches;
        }

        [Obsolete("Use the overload which accepts a CancellationToken.")]
        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) =>
            inner.MessagesDeliveredAsync(redelivery.Settle(messages), cancellationToken);

        public Task Shutdown(TimeSpan timeout) => inner.Shutdown(timeout);
    }
}
