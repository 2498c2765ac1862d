using Relay.Hosting;
using Relay.Web.Admin;
using Relay.Web.Console;
using Relay.Web.Consent;
using Relay.Web.Contacts;
using Relay.Web.Imports;
using Relay.Web.Ingest;
using Relay.Web.Leads;
using Relay.Web.Observability;
using Relay.Web.Online;
using Relay.Web.Operator;

namespace Relay.Web.Hosting;

/// <summary>The web host, built in one place for <c>Program</c> and for tests that need a real server.</summary>
public static class RelayWebApp
{
    /// <summary>
    /// Builds the web host: Orleans (co-hosted silo or client), APIs, panels and health.
    /// <paramref name="contentRoot"/> is where <c>wwwroot</c> and the settings files are, when not the working folder.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null, string? contentRoot = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = contentRoot,

            // Razor Pages are found in the application assembly, which is not the entry assembly under a test host.
            ApplicationName = typeof(RelayWebApp).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        builder.AddRelayWeb();
        builder.AddRelayTlsOffload();

        var app = builder.Build();
        app.UseRelayTlsOffload();

        // Before everything but the forwarded headers, and instead of the developer exception page even in Development: no answer shows internals.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = Problems.WriteUnexpectedAsync });
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseConsoleHeaders();

        // Credentials are checked here, after routing chose the endpoint and before any endpoint reads a body.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRelayPanels();
        app.MapOnlineInstall();
        app.MapOnlinePanelSignIn();
        app.MapRelayHealth();
        app.MapRelayOperations();
        app.MapIngestApi();
        app.MapContactsApi();
        app.MapLeadsApi();
        app.MapAdminApi();
        app.MapParkedApi();
        app.MapDeadLettersApi();
        Feed.FeedApi.MapFeedApi(app);
        app.MapAdminLogApi();
        app.MapTenantsApi();
        app.MapAutomationsApi();
        app.MapDryRunApi();
        app.MapImportsApi();
        app.MapAdminSession();
        app.MapConsentApi();
        app.MapOperatorApi();
        return app;
    }
}
