namespace Relay.NetServerEmulator.Soap;

/// <summary>One call the emulator received, for <c>GET /admin/requests</c> and for tests that inspect the wire.</summary>
public sealed record RequestLogEntry(
    long Sequence,
    DateTimeOffset At,
    string Path,
    string Version,
    string Agent,
    string Operation,
    string? SoapAction,
    string? ContentType,
    int Status,
    string Outcome,
    double DurationMs,
    string RequestEnvelope);

/// <summary>The recent calls, newest last, bounded.</summary>
public sealed class RequestLog
{
    private const int Capacity = 2000;
    private readonly Lock _gate = new();
    private readonly Queue<RequestLogEntry> _entries = new();
    private long _sequence;

    /// <summary>Adds a call.</summary>
    public void Add(Func<long, RequestLogEntry> create)
    {
        lock (_gate)
        {
            _entries.Enqueue(create(++_sequence));
            while (_entries.Count > Capacity)
            {
                _entries.Dequeue();
            }
        }
    }

    /// <summary>How many calls were ever logged, including those no longer kept.</summary>
    public long Total
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>A snapshot, oldest first.</summary>
    public IReadOnlyList<RequestLogEntry> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    /// <summary>Forgets every call.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}
