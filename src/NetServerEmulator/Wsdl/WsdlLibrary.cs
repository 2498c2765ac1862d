using System.Collections.Concurrent;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Relay.NetServerEmulator.Wsdl;

/// <summary>
/// SuperOffice's published WSDL files (Services75 and Services88), read from the shared folder beside the
/// repository. They are the contract the emulator serves and the tests check the client against.
/// </summary>
public sealed class WsdlLibrary
{
    /// <summary>Environment variable that points at the folder holding <c>Services75/</c> and <c>Services88/</c>.</summary>
    public const string FolderVariable = "RELAY_NETSERVER_WSDL_DIR";

    /// <summary>The agents Relay uses, one WSDL each.</summary>
    public static readonly IReadOnlyList<string> Agents =
        ["SoPrincipal", "Person", "Contact", "Sale", "Appointment", "Selection", "Project", "Archive", "Find", "MDO", "List", "Associate", "User", "EMail"];

    /// <summary>The endpoint versions served.</summary>
    public static readonly IReadOnlyList<string> Versions = ["75", "88"];

    private static readonly Lazy<WsdlLibrary> SharedLibrary = new(() => new WsdlLibrary(LocateFolder()));
    private readonly ConcurrentDictionary<(string Version, string Agent), Lazy<AgentContract>> _agents = new();

    /// <summary>Reads WSDL files from <paramref name="folder"/>.</summary>
    public WsdlLibrary(string folder)
    {
        Folder = folder;
    }

    /// <summary>The library over the shared WSDL folder, located once per process.</summary>
    public static WsdlLibrary Shared => SharedLibrary.Value;

    /// <summary>The folder holding <c>Services75/</c> and <c>Services88/</c>.</summary>
    public string Folder { get; }

    /// <summary>
    /// Finds the WSDL folder: <c>RELAY_NETSERVER_WSDL_DIR</c> when set, otherwise <c>../shared/netserver-wsdl</c>
    /// beside the folder that holds <c>Orleans.sln</c>, found by walking up from the application's base directory.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">With a message that says where the folder is expected.</exception>
    public static string LocateFolder()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(FolderVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Directory.Exists(Path.Combine(fromEnvironment, "Services75"))
                ? Path.GetFullPath(fromEnvironment)
                : throw new DirectoryNotFoundException(
                    $"{FolderVariable} is '{fromEnvironment}', but that folder has no Services75/ subfolder with SuperOffice's WSDL files.");
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new DirectoryNotFoundException(
                $"Cannot find the NetServer WSDL folder: no Orleans.sln above {AppContext.BaseDirectory}. " +
                $"Set {FolderVariable} to the folder that holds Services75/ and Services88/.");
        }

        var expected = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "netserver-wsdl"));
        return Directory.Exists(Path.Combine(expected, "Services75"))
            ? expected
            : throw new DirectoryNotFoundException(
                $"The NetServer WSDL folder is expected at {expected} (with Services75/ and Services88/ inside, " +
                $"next to the repository folder {directory.FullName}); it is missing. Set {FolderVariable} to override.");
    }

    /// <summary>The SOAP namespace of an endpoint version, e.g. <c>http://www.superoffice.net/ws/crm/NetServer/Services75</c>.</summary>
    public static string NamespaceOf(string version) => "http://www.superoffice.net/ws/crm/NetServer/Services" + version;

    /// <summary>Whether the WSDL of an agent exists for the version.</summary>
    public bool Has(string version, string agent) => File.Exists(PathOf(version, agent));

    /// <summary>The path of an agent's WSDL file.</summary>
    public string PathOf(string version, string agent) => Path.Combine(Folder, "Services" + version, "Wcf" + agent + ".wsdl");

    /// <summary>The contract of one agent, parsed and compiled once.</summary>
    public AgentContract Get(string version, string agent) =>
        _agents.GetOrAdd((version, agent), key => new Lazy<AgentContract>(() => AgentContract.Load(key.Version, key.Agent, PathOf(key.Version, key.Agent)))).Value;
}

/// <summary>One operation of an agent as the WSDL declares it.</summary>
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

/// <summary>One agent's WSDL: its operations and its XML schemas, compiled for validation and writing.</summary>
public sealed class AgentContract
{
    private static readonly XNamespace Wsdl = "http://schemas.xmlsoap.org/wsdl/";
    private static readonly XNamespace Soap = "http://schemas.xmlsoap.org/wsdl/soap/";
    private static readonly XNamespace Xs = "http://www.w3.org/2001/XMLSchema";

    private AgentContract(string version, string agent, string wsdlPath, IReadOnlyDictionary<string, OperationContract> operations, XmlSchemaSet schemas)
    {
        Version = version;
        Agent = agent;
        WsdlPath = wsdlPath;
        Operations = operations;
        Schemas = schemas;
        Namespace = WsdlLibrary.NamespaceOf(version);
    }

    /// <summary>Endpoint version, "75" or "88".</summary>
    public string Version { get; }

    /// <summary>Agent name, e.g. <c>Person</c>.</summary>
    public string Agent { get; }

    /// <summary>Where the WSDL file is.</summary>
    public string WsdlPath { get; }

    /// <summary>The target namespace of operations, carriers and headers.</summary>
    public string Namespace { get; }

    /// <summary>Operations by name.</summary>
    public IReadOnlyDictionary<string, OperationContract> Operations { get; }

    /// <summary>The schemas inside the WSDL, compiled.</summary>
    public XmlSchemaSet Schemas { get; }

    /// <summary>A global element of the agent's namespace.</summary>
    public XmlSchemaElement Element(string localName) =>
        Schemas.GlobalElements[new XmlQualifiedName(localName, Namespace)] as XmlSchemaElement
        ?? throw new KeyNotFoundException($"Services{Version}/{Agent} has no element {localName}.");

    /// <summary>The operation whose SOAPAction is <paramref name="soapAction"/>, if any.</summary>
    public OperationContract? FindByAction(string soapAction) =>
        Operations.Values.FirstOrDefault(o => string.Equals(o.SoapAction, soapAction, StringComparison.Ordinal));

    /// <summary>Validates an element (a body or header element) against the schemas; returns the problems found.</summary>
    public IReadOnlyList<string> Validate(XElement element)
    {
        var problems = new List<string>();
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = Schemas,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
        };
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity}: {e.Message} (line {e.Exception?.LineNumber})");
        var document = new XDocument(new XElement(element));
        using (var reader = XmlReader.Create(document.CreateReader(), settings))
        {
            while (reader.Read())
            {
            }
        }

        return problems;
    }

    internal static AgentContract Load(string version, string agent, string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"WSDL for Services{version}/{agent} is missing at {path}.", path);
        }

        var document = XDocument.Load(path);
        var root = document.Root!;
        var tns = (string?)root.Attribute("targetNamespace") ?? WsdlLibrary.NamespaceOf(version);
        var schemas = new XmlSchemaSet { XmlResolver = null };
        foreach (var schemaElement in root.Elements(Wsdl + "types").Elements(Xs + "schema"))
        {
            var copy = new XElement(schemaElement);
            foreach (var ns in schemaElement.AncestorsAndSelf().Attributes().Where(a => a.IsNamespaceDeclaration))
            {
                if (copy.Attribute(ns.Name) is null)
                {
                    copy.SetAttributeValue(ns.Name, ns.Value);
                }
            }

            using var reader = copy.CreateReader();
            schemas.Add(XmlSchema.Read(reader, null)!);
        }

        schemas.Compile();

        var messages = root.Elements(Wsdl + "message").ToDictionary(m => (string)m.Attribute("name")!, StringComparer.Ordinal);
        string PartElement(string messageName) =>
            LocalName((string)messages[messageName].Elements(Wsdl + "part").First().Attribute("element")!);

        var portOperations = root.Elements(Wsdl + "portType").Elements(Wsdl + "operation")
            .ToDictionary(o => (string)o.Attribute("name")!, StringComparer.Ordinal);
        var operations = new Dictionary<string, OperationContract>(StringComparer.Ordinal);
        foreach (var bound in root.Elements(Wsdl + "binding").Elements(Wsdl + "operation"))
        {
            var name = (string)bound.Attribute("name")!;
            var action = (string?)bound.Element(Soap + "operation")?.Attribute("soapAction") ?? $"{tns}/{agent}/{name}";
            var port = portOperations[name];
            var input = PartElement(LocalName((string)port.Element(Wsdl + "input")!.Attribute("message")!));
            var output = PartElement(LocalName((string)port.Element(Wsdl + "output")!.Attribute("message")!));
            operations[name] = new OperationContract(
                name,
                action,
                input,
                output,
                HeaderParts(bound.Element(Wsdl + "input")),
                HeaderParts(bound.Element(Wsdl + "output")));
        }

        return new AgentContract(version, agent, path, operations, schemas);
    }

    private static List<string> HeaderParts(XElement? direction) =>
        direction is null ? [] : [.. direction.Elements(Soap + "header").Select(h => (string)h.Attribute("part")!)];

    private static string LocalName(string qualified) => qualified[(qualified.IndexOf(':', StringComparison.Ordinal) + 1)..];
}
