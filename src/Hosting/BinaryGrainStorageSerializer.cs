using Orleans.Serialization;
using Orleans.Storage;

namespace Relay.Hosting;

/// <summary>
/// Grain state in Orleans' own binary format, for the embedded (in-memory) storage. Orleans' memory
/// storage otherwise writes every state as Newtonsoft JSON with type names and reference ids: profiling
/// the load driver showed that serialization alone took a third of the CPU per trigger, and the JSON
/// strings were most of an idle contact's memory. The state types are already <c>[GenerateSerializer]</c>
/// with stable ids, so this format tolerates added fields the way grain messages do.
/// </summary>
public sealed class BinaryGrainStorageSerializer(Serializer serializer) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(serializer.SerializeToArray(input));

    public T? Deserialize<T>(BinaryData input) => serializer.Deserialize<T>(input.ToMemory());
}
