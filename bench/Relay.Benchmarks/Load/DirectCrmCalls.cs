using System.Diagnostics;
using Relay.Crm;
using Relay.NetServerEmulator.Data;

namespace Relay.Benchmarks.Load;

/// <summary>CRM calls made straight through a CRM port, outside any grain, for the "bare" and "port" scenarios.</summary>
internal static class DirectCrmCalls
{
    /// <summary>One worker per contact: look the person up, then create its share of the sales; reports CRM calls/s and the cost per sale.</summary>
    public static async Task<(long Calls, double Seconds)> DriveAsync(BenchHost host, ICrm crm, string tenant, LoadOptions o, List<(string, string, double, string)> report, string scenario)
    {
        var run = $"{tenant}-{Guid.NewGuid():N}"[..20];
        var emails = LoadSupport.SeedPersons(host, run, o.CrmContacts);
        var connection = new CrmConnection(tenant, host.Emulator.BaseUrl.ToString().TrimEnd('/'), "75", DemoSeed.UserName, DemoSeed.Password);
        var perContact = o.CrmTriggers / o.CrmContacts;
        long calls = 0;
        var cost = ProcessCost.Now();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, o.CrmContacts), new ParallelOptions { MaxDegreeOfParallelism = o.CrmContacts }, async (c, ct) =>
        {
            var match = (await crm.FindPersonsByEmailAsync(connection, emails[c], ct)).Single();
            var person = (await crm.GetPersonAsync(connection, match.PersonId, ct))!;
            Interlocked.Add(ref calls, 2);
            for (var i = 0; i < perContact; i++)
            {
                await crm.CreateSaleAsync(connection, new NewSale(person.Ref, "Load", 1, null, 10, 102, $"{run}-{c}-{i}", DateTimeOffset.UtcNow), ct);
                Interlocked.Increment(ref calls);
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        report.Add((scenario, "CRM calls/s", calls / seconds, "calls/s"));
        cost.AddPer(report, scenario, perContact * o.CrmContacts, "sale");
        return (calls, seconds);
    }
}
