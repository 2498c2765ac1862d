using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Relay.NetServerEmulator.Admin;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Faults;
using Relay.NetServerEmulator.Online;
using Relay.NetServerEmulator.Rest;
using Relay.NetServerEmulator.Soap;
using Relay.NetServerEmulator.Wsdl;

namespace Relay.NetServerEmulator;

/// <summary>Builds and starts the emulator, standalone or in-process for tests.</summary>
public static class EmulatorHost
{
    /// <summary>Builds the emulator app; <paramref name="configure"/> may replace the seed or options before it starts.</summary>
    public static WebApplication Build(string[] args, Action<EmulatorStore, EmulatorOptions>? configure = null, bool seed = true, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var store = new EmulatorStore(time);
        if (seed)
        {
            DemoSeed.Apply(store);
        }

        var options = new EmulatorOptions();
        builder.Configuration.GetSection("Emulator").Bind(options);
        if (builder.Configuration.GetValue<int?>("Emulator:TicketLifetimeSeconds") is { } lifetime)
        {
            store.TicketLifetime = TimeSpan.FromSeconds(lifetime);
        }

        configure?.Invoke(store, options);

        // The first address is the un-numbered host; the numbered hosts are bound after the emulator's own addresses.
        var tenant = new OnlineTenant();
        var urls = OwnUrls(builder.Configuration);
        var hostUrls = OnlineHosts.Urls(builder.Configuration.GetValue<int?>(OnlineHosts.CountKey) ?? 2, builder.Configuration.GetValue<int?>(OnlineHosts.FirstPortKey) ?? 0);
        builder.WebHost.UseUrls([.. urls, .. hostUrls]);
        var wsdl = WsdlLibrary.Locate(options.WsdlFolder);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(wsdl);
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton(tenant);
        builder.Services.AddSingleton<OnlineApplications>();
        builder.Services.AddSingleton<OnlineGate>();
        builder.Services.AddSingleton<RequestLog>();
        builder.Services.AddSingleton<SoapEndpoint>();
        builder.Services.AddSingleton<RestEndpoint>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.WriteIndented = true);

        var app = builder.Build();
        if (wsdl.Library is null)
        {
            app.Logger.LogWarning(
                "NetServer emulator runs without SuperOffice's WSDL files ({Searched}): no ?wsdl and no request validation; it answers from its own operation table. {Origin}; " +
                "put them in ../shared/netserver-wsdl beside the repository or point {Variable} at them.",
                wsdl.Searched, WsdlLibrary.Origin, WsdlLibrary.FolderVariable);
        }

        app.Lifetime.ApplicationStarted.Register(() => OnlineHosts.Assign(
            tenant, [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses], urls.Length, hostUrls.Count));
        app.Use(async (context, next) =>
        {
            if (!await context.RequestServices.GetRequiredService<OnlineGate>().TryRefuseAsync(context)
                && !await context.RequestServices.GetRequiredService<SoapEndpoint>().TryHandleAsync(context)
                && !await context.RequestServices.GetRequiredService<RestEndpoint>().TryHandleAsync(context))
            {
                await next(context);
            }
        });
        app.MapGet("/", () => TypedResults.Text(
            "SuperOffice NetServer emulator. Agents at /Remote/Services75/<Agent>.svc and /Remote/Services88/<Agent>.svc " +
            $"(optionally under /CustNNNNN). Demo login {DemoSeed.UserName}/{DemoSeed.Password}. Admin: /admin/ledger, /admin/requests, /admin/faults, /admin/reset, /admin/online. " +
            $"Online numbered hosts: {string.Join(", ", tenant.Hosts.Select(h => h.Origin()))} (/{store.ContextIdentifier}/Remote/...), /api/state/{store.ContextIdentifier}."));
        app.MapEmulatorAdmin();
        app.MapSuperId();
        app.MapOnlineApi();
        app.MapPartnerSystemUserService();
        return app;
    }

    // The addresses Kestrel would have chosen by itself, which naming the numbered hosts would otherwise replace.
    private static string[] OwnUrls(ConfigurationManager configuration)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls) && configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 } ports)
        {
            urls = string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));
        }

        return (string.IsNullOrWhiteSpace(urls) ? "http://localhost:5000" : urls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// Starts an emulator on 127.0.0.1 (port 0 picks a free one) and returns a handle to it; <paramref name="onlineHosts"/>
    /// more free ports serve as the Online tenant's numbered hosts.
    /// </summary>
    public static async Task<RunningEmulator> StartAsync(int port = 0, Action<EmulatorStore, EmulatorOptions>? configure = null, bool seed = true, TimeProvider? time = null, int onlineHosts = 2)
    {
        var app = Build(["--urls", $"http://127.0.0.1:{port}", $"--{OnlineHosts.CountKey}={onlineHosts}", $"--{OnlineHosts.FirstPortKey}=0"], configure, seed, time);
        await app.StartAsync();
        var authority = app.Services.GetRequiredService<OnlineTenant>().AuthorityHost
            ?? throw new InvalidOperationException("The emulator started without telling its addresses.");
        return new RunningEmulator(app, authority);
    }
}

/// <summary>An emulator running in-process, with access to its data, faults and request log.</summary>
public sealed class RunningEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    internal RunningEmulator(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The root URL, e.g. <c>http://127.0.0.1:51234</c>; agents are under <c>/Remote/Services75/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The in-memory SuperOffice data and the write ledger.</summary>
    public EmulatorStore Store => _app.Services.GetRequiredService<EmulatorStore>();

    /// <summary>Fault rules in force.</summary>
    public FaultInjector Faults => _app.Services.GetRequiredService<FaultInjector>();

    /// <summary>Recent calls, with the request envelopes as received.</summary>
    public RequestLog Requests => _app.Services.GetRequiredService<RequestLog>();

    /// <summary>Behaviour switches.</summary>
    public EmulatorOptions Options => _app.Services.GetRequiredService<EmulatorOptions>();

    /// <summary>The Online tenant: its numbered hosts, the current one, its state.</summary>
    public OnlineTenant Online => _app.Services.GetRequiredService<OnlineTenant>();

    /// <summary>The numbered hosts' base URLs (<c>http://127.0.0.1:P</c>), in host order.</summary>
    public IReadOnlyList<Uri> OnlineHosts => Online.Hosts;

    /// <summary>The applications registered with SuperID, its signing key and the token test hooks.</summary>
    public OnlineApplications Applications => _app.Services.GetRequiredService<OnlineApplications>();

    /// <summary>Stops the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
