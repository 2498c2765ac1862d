using System.Globalization;
using System.Security.Cryptography;
using Relay.NetServerEmulator.Online;
using Relay.Tenants;

namespace Relay.Tests.Panels;

/// <summary>
/// The panel host as a registered SuperOffice Online application (<c>Relay:Online</c>), whose environment <c>sod</c> is
/// the embedded emulator's SuperID; the application is registered there with this host's callback. Besides the onsite
/// tenants it has <see cref="OnlineTenant"/>, an Online tenant of the emulator's customer with a system-user token
/// SuperID issued, and panels like the onsite ones.
/// </summary>
public sealed class OnlinePanelHost : PanelHost
{
    /// <summary>The application's client id.</summary>
    public const string ClientId = "relay-panel-tests";

    /// <summary>The emulator's customer.</summary>
    public const string ContextIdentifier = "Cust12345";

    private readonly int _emulatorPort = FreePorts.Next();
    private readonly RSA _key = RSA.Create(2048);

    /// <summary>The application's client secret, also its ApplicationToken.</summary>
    public string ClientSecret { get; } = "secret-" + Guid.NewGuid().ToString("N");

    /// <summary>The Online tenant.</summary>
    public string OnlineTenant { get; } = "online-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The emulator's un-numbered host, where SuperID is.</summary>
    public Uri SuperIdBase => new($"http://127.0.0.1:{_emulatorPort}");

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // A fixed port, so the environment's address is known before the emulator starts.
        ["Relay:Emulator:Port"] = _emulatorPort.ToString(CultureInfo.InvariantCulture),
        ["Relay:Online:ClientId"] = ClientId,
        ["Relay:Online:ClientSecret"] = ClientSecret,
        ["Relay:Online:PrivateKey"] = _key.ExportPkcs8PrivateKeyPem(),
        ["Relay:Online:Environments:sod"] = SuperIdBase.ToString(),

        // The emulator's numbered hosts listen on other ports of 127.0.0.1.
        ["Relay:Crm:AllowedHosts:0"] = "127.0.0.1",
    };

    protected override async Task OnStartedAsync()
    {
        Emulator.Applications.Register(new OnlineApplication(ClientId, ClientSecret, _key.ExportSubjectPublicKeyInfoPem(), [new Uri(BaseUrl, "/online/callback/sod").ToString()]));
        var systemToken = Emulator.Applications.IssueSystemToken(ClientId, ContextIdentifier);
        await SetUpTenantAsync(OnlineTenant, new TenantCrmSettings("", "88", Online: new TenantOnlineSettings(ContextIdentifier, "sod", systemToken)));
    }

    /// <summary>An Online panel URL as SuperOffice builds it from its template: the customer and user, no ticket.</summary>
    public string OnlinePanelUrl(string panel, int userId = DemoUser, string extra = "") =>
        $"{BaseUrl.ToString().TrimEnd('/')}/panels/{OnlineTenant}/{panel}?uctx={ContextIdentifier}&usid={userId}{extra}";

    /// <summary>Where the panel's sign-in button opens the pop-up.</summary>
    public Uri PanelSignInUrl(string tenant, int userId = DemoUser, string returnPath = "") =>
        new(BaseUrl, $"/online/panel-signin?tenant={tenant}&uctx={ContextIdentifier}&usid={userId}&return={Uri.EscapeDataString(returnPath.Length > 0 ? returnPath : $"/panels/{tenant}/leads")}");
}
