using Microsoft.Extensions.Options;
using Relay.Crm;
using Relay.Crm.NetServer;

namespace Relay.Benchmarks.Load;

/// <summary>The "bare" scenario: the CRM scenario's calls by the bare SOAP client, the other side of the headline ratio.</summary>
internal static class BareClientScenario
{
    /// <summary>
    /// The bare SOAP client, one for the whole run (like the silo's), so that its connections are reused. The emulator
    /// listens on plain http at loopback, which the address policy refuses unless the host is listed, as the silo lists it.
    /// </summary>
    private static readonly NetServerCrm BareCrm = new(Options.Create(new NetServerOptions()), addresses: new CrmAddressPolicy(["127.0.0.1"]));

    /// <summary>The same CRM calls Relay makes for the CRM scenario, by the bare SOAP client, one worker per contact.</summary>
    public static async Task RunAsync(BenchHost host, LoadOptions o, List<(string, string, double, string)> report)
    {
        var requestsBefore = host.Emulator.Requests.Total;
        var (calls, seconds) = await DirectCrmCalls.DriveAsync(host, BareCrm, "load-bare", o, report, "bare SOAP client");
        report.Add(("bare SOAP client", "contacts (concurrency)", o.CrmContacts, "count"));
        report.Add(("bare SOAP client", "sales", o.CrmTriggers / o.CrmContacts * o.CrmContacts, "count"));
        report.Add(("bare SOAP client", "SOAP requests the emulator answered/s", (host.Emulator.Requests.Total - requestsBefore) / seconds, "requests/s"));
        Console.WriteLine($"bare client: {calls / seconds:0} calls/s");
    }
}
