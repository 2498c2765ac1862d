using Relay.Crm;
using Relay.Hosting;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;

namespace Relay.Web.Hosting;

/// <summary>The NetServer emulator inside the web host, section <c>Relay:Emulator</c>: the embedded default's SuperOffice.</summary>
public sealed class EmulatorSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay:Emulator";

    /// <summary>Whether the web host starts the emulator and points the demo tenant at it.</summary>
    public bool Enabled { get; set; }

    /// <summary>The emulator's port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; } = 5081;

    /// <summary>
    /// SuperOffice's WSDL folder (<c>Services75/</c>, <c>Services88/</c>), which adds <c>?wsdl</c> and request validation;
    /// unset: <c>RELAY_NETSERVER_WSDL_DIR</c>, then <c>../shared/netserver-wsdl</c>. The emulator runs without it.
    /// </summary>
    public string? WsdlFolder { get; set; }
}

/// <summary>
/// Runs the NetServer emulator with its demo data in the web host's process, so the embedded default
/// talks real SOAP over HTTP to something that answers like SuperOffice.
/// </summary>
/// <remarks>
/// The emulator listens on 127.0.0.1, which tenants may not name unless allowed: when this process hosts a silo, its
/// own port is allowed (<see cref="CrmAddressPolicy"/>), and only that port.
/// </remarks>
public sealed class EmbeddedEmulator(IConfiguration configuration, ILogger<EmbeddedEmulator> logger, CrmAddressPolicy? addresses = null) : IHostedService, IAsyncDisposable
{
    private RunningEmulator? _running;

    /// <summary>The running emulator; null before start-up.</summary>
    public RunningEmulator? Running => _running;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = configuration.GetSection(EmulatorSettings.Section).Get<EmulatorSettings>() ?? new();
        _running = await EmulatorHost.StartAsync(settings.Port, (store, options) =>
        {
            AddReadmePersons(store);
            options.WsdlFolder = settings.WsdlFolder;
        });
        addresses?.Allow(_running.BaseUrl.Host, _running.BaseUrl.Port);
        logger.LogInformation("NetServer emulator listening on {BaseUrl} (login {User}/{Password}; ledger at {BaseUrl}/admin/ledger)", _running.BaseUrl, DemoSeed.UserName, DemoSeed.Password, _running.BaseUrl);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_running is { } running)
        {
            _running = null;
            await running.DisposeAsync();
        }
    }

    /// <summary>The demo tenant's settings and automations against this emulator's demo data.</summary>
    public (TenantSettings Settings, ImmutableArray<Automation> Automations) DemoTenant()
    {
        var running = _running ?? throw new InvalidOperationException("The emulator has not started.");
        var (webinar, launch) = running.Store.Read(s => (
            s.Selections.Values.Single(x => x.Name == "Webinar attendees").SelectionId,
            s.Projects.Values.Single(x => x.Name == "Spring launch").ProjectId));
        var crm = new TenantCrmSettings(running.BaseUrl.ToString().TrimEnd('/'), "75", DemoSeed.UserName, DemoSeed.Password);
        return (DemoData.Settings(crm, SalesRepAssociateId), DemoData.AutomationsFor(webinar, launch, PricingInterestId, SalesRepAssociateId));
    }

    /// <summary>The emulator's "Anna Sales".</summary>
    private const int SalesRepAssociateId = 102;

    /// <summary>The emulator's "Pricing" interest.</summary>
    private const int PricingInterestId = 5;

    /// <summary>The persons README's examples use: one unique address, and one two persons share.</summary>
    private static void AddReadmePersons(EmulatorStore store)
    {
        var berg = store.AddCompany("Berg AB", SalesRepAssociateId);
        store.AddPerson("Ann", "Berg", "ann.berg@example.com", berg.CompanyId);
        var nordic = store.AddCompany("Nordic Trading", SalesRepAssociateId);
        store.AddPerson("Lena", "Nord", "info@nordic.example", nordic.CompanyId);
        store.AddPerson("Lars", "Nord", "info@nordic.example", nordic.CompanyId);
    }
}
