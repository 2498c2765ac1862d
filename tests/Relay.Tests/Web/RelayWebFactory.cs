using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Relay.Tests.Web;

/// <summary>
/// The real web host with its co-hosted silo (the embedded default), on ports of its own so that
/// several can run at once. Admin key: <see cref="AdminKey"/>.
/// </summary>
public sealed class RelayWebFactory : WebApplicationFactory<Program>
{
    /// <summary>The admin key the host is configured with.</summary>
    public const string AdminKey = "test-admin-key";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Relay:Orleans:SiloPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Relay:Orleans:GatewayPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Relay:Orleans:ClusterId", "web-test-" + Guid.NewGuid().ToString("N")[..8]);
        builder.UseSetting("Relay:Admin:ApiKey", AdminKey);
        builder.UseSetting("Relay:Demo:Enabled", "true");
    }

    /// <summary>A client that sends the admin key.</summary>
    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    /// <summary>Creates a tenant with its own id, whose CRM is the host's in-memory CRM.</summary>
    public async Task<string> CreateTenantAsync(string automationsJson = "[]")
    {
        var tenant = "w-" + Guid.NewGuid().ToString("N")[..10];
        using var admin = CreateAdminClient();
        (await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { displayName = "Web test", crm = new { baseUrl = "memory://" + tenant } })).EnsureSuccessStatusCode();
        using var content = new StringContent(automationsJson, System.Text.Encoding.UTF8, "application/json");
        (await admin.PutAsync($"/api/admin/tenants/{tenant}/automations", content)).EnsureSuccessStatusCode();
        return tenant;
    }
}
