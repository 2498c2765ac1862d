using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Relay.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Data;
using Relay.Web.Hosting;

namespace Relay.Tests.Web;

/// <summary>
/// The real web host with its co-hosted silo (the embedded default), on ports of its own so that
/// several can run at once. Operator key: <see cref="AdminKey"/>; clients from <see cref="WebApplicationFactory{T}.CreateClient()"/>
/// send it, so tests about something else need no credential of their own; <see cref="CreateAnonymousClient"/> sends none.
/// </summary>
public sealed class RelayWebFactory : WebApplicationFactory<Relay.Web.Ingest.TriggerIngest>
{
    /// <summary>The operator key the host is configured with.</summary>
    public const string AdminKey = "test-admin-key";

    private readonly Action<IWebHostBuilder>? _configure;

    /// <summary>The host with the defaults below.</summary>
    public RelayWebFactory()
    {
    }

    /// <summary>The host with the defaults below, then <paramref name="configure"/>'s settings (internal: a class fixture has one public constructor).</summary>
    internal RelayWebFactory(Action<IWebHostBuilder> configure) => _configure = configure;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Relay:Orleans:SiloPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Relay:Orleans:GatewayPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Relay:Orleans:ClusterId", "web-test-" + Guid.NewGuid().ToString("N")[..8]);
        builder.UseSetting("Relay:Operator:ApiKey", AdminKey);
        builder.UseSetting("Relay:Demo:Enabled", "true");
        builder.UseSetting("Relay:Emulator:Enabled", "true");
        builder.UseSetting("Relay:Emulator:Port", "0");
        _configure?.Invoke(builder);
    }

    /// <summary>The NetServer emulator the host runs, which every test tenant uses as its SuperOffice.</summary>
    public RunningEmulator Emulator => Services.GetRequiredService<EmbeddedEmulator>().Running!;

    /// <summary>A client that sends the operator key.</summary>
    public HttpClient CreateAdminClient() => CreateClient();

    /// <summary>A client that sends no credential.</summary>
    public HttpClient CreateAnonymousClient(WebApplicationFactoryClientOptions? options = null)
    {
        var client = CreateClient(options ?? new WebApplicationFactoryClientOptions());
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        return client;
    }

    /// <summary>A client that sends a new credential of <paramref name="tenant"/> with <paramref name="scopes"/>.</summary>
    public async Task<HttpClient> CreateTenantClientAsync(string tenant, params string[] scopes)
    {
        using var admin = CreateAdminClient();
        var issued = await admin.PostAsJsonAsync($"/api/operator/tenants/{tenant}/credentials", new { name = "test " + string.Join('+', scopes), scopes });
        issued.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await issued.Content.ReadAsStringAsync());
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await issued.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!["token"]!.GetValue<string>());
        return client;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
    }

    /// <summary>Creates a tenant with its own id, whose CRM is the host's emulator.</summary>
    public async Task<string> CreateTenantAsync(string automationsJson = "[]")
    {
        var tenant = "w-" + Guid.NewGuid().ToString("N")[..10];
        using var admin = CreateAdminClient();
        var crm = new { baseUrl = Emulator.BaseUrl.ToString(), userName = DemoSeed.UserName, password = DemoSeed.Password };
        (await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { displayName = "Web test", crm })).EnsureSuccessStatusCode();
        using var content = new StringContent(automationsJson, System.Text.Encoding.UTF8, "application/json");
        (await admin.PutAsync($"/api/admin/tenants/{tenant}/automations", content)).EnsureSuccessStatusCode();
        return tenant;
    }
}
