using Orleans.Runtime;
using Relay.Contacts;

namespace Relay.Triggers;

/// <summary>
/// Where a contact's triggers travel: one of <see cref="Count"/> trigger streams (lanes), always the same one for a
/// contact, so its triggers keep their order. A lane's consumer (<see cref="TriggerLaneGrain"/>) hands each trigger to
/// its contact with a grain call; contacts themselves are not stream consumers, so an idle contact carries no stream
/// bookkeeping and a contact's first trigger needs no subscription handshake.
/// </summary>
public static class TriggerLanes
{
    /// <summary>
    /// Lanes in a cluster. A lane delivers one queue message at a time, so this bounds how many contacts take triggers at
    /// once; it is fixed, because a contact must stay on its lane while triggers for it may be queued.
    /// </summary>
    public const int Count = 256;

    private const string Prefix = "lane-";

    /// <summary>The stream of a tenant's contact.</summary>
    public static StreamId For(string tenantId, string contactId) => For(ContactKey.Of(tenantId, contactId));

    /// <summary>The stream of a contact grain key.</summary>
    public static StreamId For(string contactKey) => StreamId.Create(RelayStorage.TriggerStreamNamespace, Prefix + Lane(contactKey));

    /// <summary>The lane of a contact grain key: FNV-1a over its characters, stable across processes and versions.</summary>
    public static int Lane(string contactKey)
    {
        var hash = 2166136261u;
        foreach (var c in contactKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Count);
    }

    /// <summary>Whether a stream key is a lane's (otherwise it is a contact grain key, from before lanes).</summary>
    public static bool IsLane(string streamKey) => streamKey.StartsWith(Prefix, StringComparison.Ordinal);
}
