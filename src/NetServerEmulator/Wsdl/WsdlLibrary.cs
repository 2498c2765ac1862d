using System.Collections.Concurrent;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Wsdl;

/// <summary>
/// SuperOffice's published WSDL files (Services75 and Services88), read from a folder beside the repository when
/// present. With them the emulator serves <c>?wsdl</c>, validates requests and writes every member of the schema;
/// the conformance tests check the client and the emulator against them. Never copied into the repository.
/// </summary>
public sealed class WsdlLibrary
{
    /// <summary>Environment variable that points at the folder holding <c>Services75/</c> and <c>Services88/</c>.</summary>
    public const string FolderVariable = "RELAY_NETSERVER_WSDL_DIR";

    /// <summary>Where the files come from, for messages that say they are missing.</summary>
    public const string Origin =
        "They are SuperOffice's NetServer WSDL files (MIT-licensed by SuperOffice; any NetServer serves them at " +
        "/Remote/Services75/<Agent>.svc?wsdl), kept outside this repository as Services75/Wcf<Agent>.wsdl and Services88/Wcf<Agent>.wsdl";

    private static readonly ConcurrentDictionary<string, WsdlLibrary> Loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Version, string Agent), Lazy<AgentContract>> _agents = new();

    /// <summary>Reads WSDL files from <paramref name="folder"/>.</summary>
    public WsdlLibrary(string folder)
    {
        Folder = folder;
    }

    /// <summary>The folder holding <c>Services75/</c> and <c>Services88/</c>.</summary>
    public string Folder { get; }

    /// <summary>One library per folder and process: compiling the schemas is the costly part, and tests start many emulators.</summary>
    public static WsdlLibrary For(string folder) => Loaded.GetOrAdd(Path.GetFullPath(folder), f => new WsdlLibrary(f));

    /// <summary>
    /// Looks for the WSDL folder: <paramref name="configuredFolder"/> when given, else <c>RELAY_NETSERVER_WSDL_DIR</c>
    /// when set, else <c>../shared/netserver-wsdl</c> beside the folder that holds <c>Orleans.sln</c>, found by walking
    /// up from the application's base directory. A folder without <c>Services75/</c> counts as absent.
    /// </summary>
    public static WsdlLookup Locate(string? configuredFolder = null)
    {
        if (!string.IsNullOrWhiteSpace(configuredFolder))
        {
            return Check(configuredFolder, "named by the emulator's WsdlFolder setting");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(FolderVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Check(fromEnvironment, "named by " + FolderVariable);
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
        {
            directory = directory.Parent;
        }

        return directory is null
            ? new WsdlLookup(null, $"no Orleans.sln above {AppContext.BaseDirectory} to find ../shared/netserver-wsdl beside, and {FolderVariable} is not set")
            : Check(Path.Combine(directory.FullName, "..", "shared", "netserver-wsdl"), $"beside the repository {directory.FullName}");
    }

    /// <summary>The WSDL folder, for the conformance tests that need it.</summary>
    /// <exception cref="DirectoryNotFoundException">With a message that names where the folder is expected.</exception>
    public static string LocateFolder()
    {
        var lookup = Locate();
        return lookup.Library?.Folder ?? throw new DirectoryNotFoundException(
            $"The NetServer WSDL folder is missing: {lookup.Searched}. {Origin}; put them in ../shared/netserver-wsdl " +
            $"beside the repository or set {FolderVariable}.");
    }

    private static WsdlLookup Check(string folder, string source)
    {
        var full = Path.GetFullPath(folder);
        return Directory.Exists(Path.Combine(full, "Services75"))
            ? new WsdlLookup(For(full), $"{full}, {source}")
            : new WsdlLookup(null, $"{full}, {source}, has no Services75/ folder");
    }

    /// <summary>Whether the WSDL of an agent exists for the version.</summary>
    public bool Has(string version, string agent) => File.Exists(PathOf(version, agent));

    /// <summary>The path of an agent's WSDL file.</summary>
    public string PathOf(string version, string agent) => Path.Combine(Folder, "Services" + version, "Wcf" + agent + ".wsdl");

    /// <summary>The contract of one agent, parsed and compiled once.</summary>
    public AgentContract Get(string version, string agent) =>
        _agents.GetOrAdd((version, agent), key => new Lazy<AgentContract>(() => AgentContract.Load(key.Version, key.Agent, PathOf(key.Version, key.Agent)))).Value;
}

/// <summary>Where the emulator looked for the WSDL files, and the library when it found them.</summary>
/// <param name="Library">The files, or null when they are absent.</param>
/// <param name="Searched">
/// The folder looked at and why, and what is missing, e.g. <c>/x/shared/netserver-wsdl, beside the repository /x/relay, has
/// no Services75/ folder</c>; or why no folder could be looked at.
/// </param>
public sealed record WsdlLookup(WsdlLibrary? Library, string Searched);

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
        Namespace = OperationTable.NamespaceOf(version);
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
        var tns = (string?)root.Attribute("targetNamespace") ?? OperationTable.NamespaceOf(version);
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
