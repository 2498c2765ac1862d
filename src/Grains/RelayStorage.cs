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

    /// <summary>The stream namespace of triggers; the stream key is the contact grain key.</summary>
    public const string TriggerStreamNamespace = "triggers";
}
