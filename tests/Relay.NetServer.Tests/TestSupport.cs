using Microsoft.Extensions.Options;
using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.Crm.NetServer.Rest;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;
using Relay.NetServerEmulator.Wsdl;

namespace Relay.NetServer.Tests;

/// <summary>An emulator on its own port with its own data, and a client pointed at it.</summary>
internal sealed class EmulatorSession : IAsyncDisposable
{
    private readonly NetServerCrm _soap;
    private readonly NetServerRestCrm _rest;

    private EmulatorSession(RunningEmulator emulator, NetServerCrm soap, NetServerRestCrm rest, CrmConnection connection)
    {
        Emulator = emulator;
        _soap = soap;
        _rest = rest;
        Crm = new NetServerProtocols(soap, rest);
        Connection = connection;
    }

    /// <summary>An empty folder: pointed at it, the emulator runs as from a bare clone, without SuperOffice's WSDL files.</summary>
    public static readonly Lazy<string> NoWsdlFolder = new(() => Directory.CreateTempSubdirectory("relay-no-wsdl-").FullName);

    /// <summary>The address policy of the tests' adapters: the emulators listen on the loopback address, so it is listed.</summary>
    public static CrmAddressPolicy EmulatorAddresses => new(["127.0.0.1"]);

    public RunningEmulator Emulator { get; }

    /// <summary>The NetServer port as Relay registers it: SOAP or REST, as the connection's protocol says.</summary>
    public NetServerProtocols Crm { get; }

    /// <summary>The SOAP adapter alone.</summary>
    public NetServerCrm Soap => _soap;

    public CrmConnection Connection { get; }

    public EmulatorStore Store => Emulator.Store;

    /// <summary>
    /// Starts an emulator and a client; <paramref name="withWsdl"/>: with SuperOffice's WSDL files from <c>../shared</c>
    /// (the test fails, naming the folder, when it is missing), or without them, as from a bare clone.
    /// </summary>
    public static async Task<EmulatorSession> StartAsync(
        string version = "75",
        EmailLookup lookup = EmailLookup.FindAddress,
        TimeSpan? callTimeout = null,
        Action<EmulatorStore, EmulatorOptions>? configure = null,
        TimeProvider? time = null,
        string pathPrefix = "/Cust12345",
        string password = DemoSeed.Password,
        bool withWsdl = true,
        long? maxResponseBytes = null,
        CrmProtocol protocol = CrmProtocol.Soap)
    {
        var emulator = await EmulatorHost.StartAsync(
            configure: (store, options) =>
            {
                options.WsdlFolder = withWsdl ? SharedWsdl.Folder : NoWsdlFolder.Value;
                configure?.Invoke(store, options);
            },
            time: time);
        var options = new NetServerOptions { CallTimeout = callTimeout ?? TimeSpan.FromSeconds(20) };
        options.MaxReceivedMessageSize = maxResponseBytes ?? options.MaxReceivedMessageSize;
        var soap = new NetServerCrm(Options.Create(options), addresses: EmulatorAddresses);
        var rest = new NetServerRestCrm(Options.Create(options), addresses: EmulatorAddresses);
        var connection = new CrmConnection(
            "tenant-" + Guid.NewGuid().ToString("N")[..8],
            emulator.BaseUrl + pathPrefix.TrimStart('/'),
            version,
            DemoSeed.UserName,
            password,
            "relay-app-token",
            lookup)
        {
            Protocol = protocol,
        };
        return new EmulatorSession(emulator, soap, rest, connection);
    }

    /// <summary>Calls the emulator saw for an operation.</summary>
    public IReadOnlyList<RequestLogEntry> Calls(string operation) => [.. Emulator.Requests.Snapshot().Where(r => r.Operation == operation)];

    public async ValueTask DisposeAsync()
    {
        _soap.Dispose();
        _rest.Dispose();
        await Emulator.DisposeAsync();
    }
}

/// <summary>A clock that tests move by hand.</summary>
internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Runs every ICrm and ICrmCatalog operation once, so the wire traffic covers everything the client does.</summary>
internal static class EveryOperation
{
    public static async Task RunAsync(EmulatorSession session)
    {
        var crm = session.Crm;
        var c = session.Connection;
        var (selectionId, projectId) = session.Store.Read(s => (s.Selections.Values.First(x => x.SelectionType == "Static").SelectionId, s.Projects.Values.First().ProjectId));

        var matches = await crm.FindPersonsByEmailAsync(c, DemoSeed.SharedEmails[0]);
        await crm.FindPersonsByEmailAsync(c with { EmailLookup = EmailLookup.ArchivePerson }, DemoSeed.SharedEmails[0]);
        await crm.GetPersonAsync(c, matches[0].PersonId);
        var companyId = await crm.CreateCompanyAsync(c, new NewCompany("Wire Check AB", "SE", "Prospect", "Software"));
        var person = await crm.CreatePersonAsync(c, new NewPerson("Wire", "Check", "wire.check@example.com", "+46 8 555", "+46 70 555", "CTO", companyId));
        await crm.CreateSaleAsync(c, new NewSale(person.Ref, "Wire sale", 1234.5, 1, 25, 102, "wire-sale-1", DateTimeOffset.UtcNow));
        await crm.CreateAppointmentAsync(c, new NewAppointment(person.Ref, 2, "Call back", DateTimeOffset.UtcNow, false, 102, "wire-task-1"));
        await crm.CreateAppointmentAsync(c, new NewAppointment(person.Ref, 4, "Clicked pricing", DateTimeOffset.UtcNow, true, null, "wire-note-1"));
        await crm.FindCreatedObjectAsync(c, CrmObjectKind.Sale, "wire-sale-1");
        await crm.FindCreatedObjectAsync(c, CrmObjectKind.Appointment, "wire-task-1");
        await crm.SetSelectionMembershipAsync(c, selectionId, person.Ref, true);
        await crm.SetSelectionMembershipAsync(c, selectionId, person.Ref, false);
        await crm.SetProjectMembershipAsync(c, projectId, person.Ref, true);
        await crm.SetProjectMembershipAsync(c, projectId, person.Ref, false);
        await crm.SetPersonInterestAsync(c, person.PersonId, 3, true);
        await crm.SetPersonInterestAsync(c, person.PersonId, 3, false);
        await crm.GetSelectionMembersAsync(c, selectionId, 0, 50);
        await crm.GetProjectMembersAsync(c, projectId, 0, 50);
        await crm.GetAssociatesAsync(c);
        await crm.GetUserGroupsAsync(c);
        await crm.GetInterestsAsync(c);
        await crm.GetSelectionsAsync(c);
        await crm.GetProjectsAsync(c);
        await crm.GetSaleTypesAsync(c);
        await crm.GetTaskTypesAsync(c);
        await crm.ResolveUserTicketAsync(c, DemoSeed.Ticket);
        if (c.ServicesVersion == "88")
        {
            await crm.SetConsentAsync(c, person.PersonId, new CrmConsent("EMAIL", "CONSENT", "FORM", "Wire check"));
            await crm.GetConsentsAsync(c, person.PersonId);
            await crm.RemoveConsentAsync(c, person.PersonId, "EMAIL");
        }
    }

    /// <summary>Every (agent, operation) the client uses against a NetServer of the version.</summary>
    public static IReadOnlyList<(string Agent, string Operation)> UsedBy(string version) =>
        version == "88" ? [.. Used, .. UsedFrom88] : Used;

    /// <summary>Operations that exist only from NetServer 8.x (consents).</summary>
    public static readonly IReadOnlyList<(string Agent, string Operation)> UsedFrom88 =
    [
        ("Person", "SetConsent"),
        ("Person", "GetConsentInfos"),
        ("Person", "RemoveConsent"),
    ];

    /// <summary>Every (agent, operation) the client uses.</summary>
    public static readonly IReadOnlyList<(string Agent, string Operation)> Used =
    [
        ("SoPrincipal", "AuthenticateUsernamePassword"),
        ("EMail", "FindAddress"),
        ("Archive", "GetArchiveListByColumns"),
        ("Find", "FindFromRestrictionsColumns"),
        ("Person", "GetPersonEntity"),
        ("Person", "CreateDefaultPersonEntity"),
        ("Person", "SavePersonEntity"),
        ("Contact", "CreateDefaultContactEntity"),
        ("Contact", "SaveContactEntity"),
        ("Sale", "CreateDefaultSaleEntity"),
        ("Sale", "SaveSaleEntity"),
        ("Appointment", "CreateDefaultAppointmentEntity"),
        ("Appointment", "SaveAppointmentEntity"),
        ("Selection", "AddContactSelectionMembers"),
        ("Selection", "RemoveContactSelectionMembers"),
        ("Project", "AddProjectMembers"),
        ("Project", "DeleteProjectMembers"),
        ("MDO", "GetList"),
        ("User", "GetAllUserGroups"),
        ("List", "GetCountries"),
        ("List", "GetCategories"),
        ("List", "GetBusinesses"),
    ];
}

/// <summary>
/// SuperOffice's WSDL files from <c>../shared/netserver-wsdl</c> (or <c>RELAY_NETSERVER_WSDL_DIR</c>): a test that needs
/// them fails, naming the folder, when it is missing.
/// </summary>
internal static class SharedWsdl
{
    private static readonly Lazy<WsdlLibrary> Library = new(() => WsdlLibrary.For(WsdlLibrary.LocateFolder()));

    public static string Folder => Library.Value.Folder;

    public static AgentContract Get(string version, string agent) => Library.Value.Get(version, agent);
}
