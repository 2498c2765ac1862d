namespace Relay;

/// <summary>Names of Relay's Orleans providers, shared by every host.</summary>
public static class RelayStorage
{
    /// <summary>Grain storage for Relay's state.</summary>
    public const string Name = "relay";

    /// <summary>Grain storage for large per-tenant state, such as the lead index (Blob storage with the Azure providers).</summary>
    public const string Large = "relay-large";

    /// <summary>The stream provider that carries triggers to contact grains.</summary>
    public const string TriggerStreamProvider = "triggers";

    /// <summary>
    /// The stream namespace of triggers. The stream key is a lane (<see cref="Triggers.TriggerLanes"/>), which a
    /// <see cref="Triggers.TriggerLaneGrain"/> consumes; a stream keyed by a contact grain key (before lanes) is still delivered.
    /// </summary>
    public const string TriggerStreamNamespace = "triggers";
}
