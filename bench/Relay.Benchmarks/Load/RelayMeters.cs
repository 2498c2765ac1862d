using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Relay.Crm;

namespace Relay.Benchmarks.Load;

/// <summary>Counts Relay's counters and keeps every lag the pipeline records, in this process.</summary>
internal sealed class RelayMeters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private ConcurrentQueue<double> _lags = new();

    public RelayMeters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RelayMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _counts.AddOrUpdate(instrument.Name, value, (_, n) => n + value);
            foreach (var tag in tags)
            {
                _counts.AddOrUpdate($"{instrument.Name}|{tag.Key}={tag.Value}", value, (_, n) => n + value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "relay.trigger.lag")
            {
                _lags.Enqueue(value);
            }
        });
        _listener.Start();
    }

    public long Count(string instrument) => _counts.GetValueOrDefault(instrument);

    public long Count(string instrument, string tag, string value) => _counts.GetValueOrDefault($"{instrument}|{tag}={value}");

    public IReadOnlyList<double> Lags() => [.. _lags];

    public void ClearLags() => _lags = new ConcurrentQueue<double>();

    public void Dispose() => _listener.Dispose();
}
