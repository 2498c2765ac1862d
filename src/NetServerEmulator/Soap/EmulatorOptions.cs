namespace Relay.NetServerEmulator.Soap;

/// <summary>Emulator behaviour switches.</summary>
public sealed class EmulatorOptions
{
    /// <summary>Refuse requests whose body or headers do not validate against the WSDL (as NetServer's serializer would misread them).</summary>
    public bool ValidateRequests { get; set; } = true;

    /// <summary>When set, calls other than SoPrincipal must carry this <c>ApplicationToken</c> (as Online requires).</summary>
    public string? RequiredApplicationToken { get; set; }

    /// <summary>
    /// The folder holding SuperOffice's WSDL files (<c>Services75/</c>, <c>Services88/</c>). Unset: <c>RELAY_NETSERVER_WSDL_DIR</c>,
    /// then <c>../shared/netserver-wsdl</c> beside the repository. A folder without them means the emulator runs without WSDL.
    /// </summary>
    public string? WsdlFolder { get; set; }

    /// <summary>Answer with chunked transfer encoding instead of a <c>Content-Length</c>, to test clients that must stop reading at a limit.</summary>
    public bool ChunkedResponses { get; set; }
}
