using System.Collections.Frozen;
using Relay.NetServerEmulator.Agents;

namespace Relay.NetServerEmulator.Soap;

/// <summary>One operation of an agent, with NetServer's names for its action, body elements and headers.</summary>
/// <param name="Name">Operation name, e.g. <c>FindAddress</c>.</param>
/// <param name="SoapAction">The <c>soapAction</c> of its binding.</param>
/// <param name="InputElement">The request body element.</param>
/// <param name="OutputElement">The response body element (<c>AuthenticateResponse</c> for SoPrincipal's logins).</param>
/// <param name="InputHeaders">Header elements the request carries, in order.</param>
/// <param name="OutputHeaders">Header elements the response carries, in order.</param>
public sealed record OperationContract(
    string Name,
    string SoapAction,
    string InputElement,
    string OutputElement,
    IReadOnlyList<string> InputHeaders,
    IReadOnlyList<string> OutputHeaders);

/// <summary>
/// The operations the emulator serves, as its own code, so it runs without SuperOffice's WSDL files. The names
/// follow the WSDLs (Services75 and Services88), and the conformance tests hold this table to them.
/// </summary>
public static class OperationTable
{
    /// <summary>The agents Relay uses, one <c>.svc</c> each.</summary>
    public static readonly IReadOnlyList<string> Agents =
        ["SoPrincipal", "Person", "Contact", "Sale", "Appointment", "Selection", "Project", "Archive", "Find", "MDO", "List", "Associate", "User", "EMail"];

    /// <summary>The endpoint versions served.</summary>
    public static readonly IReadOnlyList<string> Versions = ["75", "88"];

    /// <summary>Operations NetServer has only from 8.x (consents).</summary>
    private static readonly FrozenSet<string> From88 = new[] { "Person.SetConsent", "Person.RemoveConsent", "Person.GetConsentInfos" }.ToFrozenSet();

    private static readonly IReadOnlyList<string> SoPrincipalHeaders = ["ApplicationToken"];
    private static readonly IReadOnlyList<string> RequestHeaders = ["ApplicationToken", "Credentials", "TimeZone"];
    private static readonly IReadOnlyList<string> ResponseHeaders = ["ExceptionInfo", "ExtraInfo", "Succeeded", "TimeZone"];

    private static readonly FrozenDictionary<(string Version, string Agent), IReadOnlyList<OperationContract>> ByAgent =
        Versions.SelectMany(version => Agents.Select(agent => (version, agent)))
            .ToFrozenDictionary(key => key, key => (IReadOnlyList<OperationContract>)[.. Build(key.version, key.agent)]);

    /// <summary>The SOAP namespace of an endpoint version, e.g. <c>http://www.superoffice.net/ws/crm/NetServer/Services75</c>.</summary>
    public static string NamespaceOf(string version) => "http://www.superoffice.net/ws/crm/NetServer/Services" + version;

    /// <summary>The operations an agent serves in a version; empty for an unknown agent or version.</summary>
    public static IReadOnlyList<OperationContract> Of(string version, string agent) => ByAgent.GetValueOrDefault((version, agent)) ?? [];

    /// <summary>The operation whose SOAPAction is <paramref name="soapAction"/>, if the agent serves it.</summary>
    public static OperationContract? Find(string version, string agent, string soapAction) =>
        Of(version, agent).FirstOrDefault(o => string.Equals(o.SoapAction, soapAction, StringComparison.Ordinal));

    private static IEnumerable<OperationContract> Build(string version, string agent)
    {
        foreach (var key in AgentHandlers.Names)
        {
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            if (key[..dot] != agent || (version == "75" && From88.Contains(key)))
            {
                continue;
            }

            var name = key[(dot + 1)..];
            var soPrincipal = agent == "SoPrincipal";
            yield return new OperationContract(
                name,
                $"{NamespaceOf(version)}/{agent}/{name}",
                name,
                soPrincipal && name.StartsWith("Authenticate", StringComparison.Ordinal) ? "AuthenticateResponse" : name + "Response",
                soPrincipal ? SoPrincipalHeaders : RequestHeaders,
                ResponseHeaders);
        }
    }
}
