using Microsoft.Extensions.DependencyInjection;
using Relay.Crm;

namespace Relay.Benchmarks.Load;

/// <summary>The "port" scenario: the bare client's loop through the silo's CRM port and its decorators.</summary>
internal static class PortScenario
{
    /// <summary>
    /// The bare client's loop through the silo's own CRM port (the NetServer adapter inside the circuit breaker, the
    /// instrumentation and the tenant's rate limiter), outside any grain: what Relay's CRM plumbing costs by itself.
    /// </summary>
    public static async Task RunAsync(BenchHost host, LoadOptions o, List<(string, string, double, string)> report)
    {
        const string tenant = "load-port";
        await host.CreateTenantAsync(tenant, s => s with { CrmCallsPerSecond = Relay.Tenants.TenantSettings.MaxCrmCallsPerSecond });
        var (calls, seconds) = await DirectCrmCalls.DriveAsync(host, host.Services.GetRequiredService<ICrm>(), tenant, o, report, "silo's CRM port");
        Console.WriteLine($"silo's CRM port: {calls / seconds:0} calls/s");
    }
}
