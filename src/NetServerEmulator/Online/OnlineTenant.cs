namespace Relay.NetServerEmulator.Online;

/// <summary>
/// The emulator's tenant as SuperOffice CRM Online runs it: which numbered host serves it now, and whether it is
/// running. The emulator listens on its un-numbered host (authentication, <c>/api/state</c>) and on
/// <see cref="Hosts"/>; NetServer calls for <c>/{ContextIdentifier}/…</c> are served only by the current host.
/// </summary>
public sealed class OnlineTenant
{
    private readonly Lock _gate = new();
    private int _current;
    private string _state = "Running";

    /// <summary>The numbered hosts (<c>sod1</c>, <c>sod2</c>, …) as base URLs, set when the emulator has started.</summary>
    public IReadOnlyList<Uri> Hosts { get; set; } = [];

    /// <summary>The un-numbered host (SuperID, <c>/api/state</c>, the system-user service), set when the emulator has started.</summary>
    public Uri? AuthorityHost { get; set; }

    /// <summary>The index in <see cref="Hosts"/> of the host that serves the tenant now.</summary>
    public int CurrentHost
    {
        get { lock (_gate) { return _current; } }
    }

    /// <summary>The tenant's state as <c>/api/state</c> reports it: <c>Running</c>, <c>OfflineMaintenance</c>, <c>OfflineUpgrade</c>, <c>Suspended</c>, …</summary>
    public string State
    {
        get { lock (_gate) { return _state; } }
    }

    /// <summary>Whether the tenant answers API calls.</summary>
    public bool IsRunning => State == "Running";

    /// <summary>The current host's base URL, or null before the emulator has started with numbered hosts.</summary>
    public Uri? CurrentHostUrl
    {
        get
        {
            lock (_gate)
            {
                return _current < Hosts.Count ? Hosts[_current] : null;
            }
        }
    }

    /// <summary>Moves the tenant to another numbered host (the next one when <paramref name="host"/> is null); returns the new index.</summary>
    public int Move(int? host = null)
    {
        lock (_gate)
        {
            if (Hosts.Count == 0)
            {
                throw new InvalidOperationException("The emulator has no numbered hosts.");
            }

            var target = host ?? (_current + 1) % Hosts.Count;
            if (target < 0 || target >= Hosts.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(host), $"host must be between 0 and {Hosts.Count - 1}");
            }

            _current = target;
            return _current;
        }
    }

    /// <summary>Sets the tenant's state; anything but <c>Running</c> stops API calls.</summary>
    public void SetState(string state)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        lock (_gate)
        {
            _state = state;
        }
    }

    /// <summary>Back to the first host, running (what <c>/admin/reset</c> does).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _current = 0;
            _state = "Running";
        }
    }
}
