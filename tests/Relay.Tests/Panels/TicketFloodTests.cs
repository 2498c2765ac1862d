using System.Diagnostics;
using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.Triggers;

namespace Relay.Tests.Panels;

/// <summary>A flood of made-up panel tickets against one tenant, on a cluster calling the emulator through the whole CRM pipeline.</summary>
public sealed class TicketFloodTests
{
    // TicketCheckOptions' defaults: 10% of the tenant's 10 calls per second, bursts of 5.
    private const double ChecksPerSecond = 1;
    private const int Burst = 5;

    [Fact]
    public async Task A_flood_of_distinct_junk_tickets_costs_a_handful_of_NetServer_logins_while_the_tenants_triggers_still_reach_the_CRM()
    {
        await using var relay = await EmulatorCluster.StartAsync(silos: 1);
        var tenant = await relay.CreateTenantAsync(10, Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Pricing", 100, null, 10, ActionOwner.CompanyAssociate)));
        var store = relay.Emulator.Store;
        var contacts = Enumerable.Range(0, 10).Select(_ => Build.Email()).Select(email => (ContactId: Build.Id("c"), Email: email, PersonId: store.AddPerson("Flood", "Victim", email).PersonId)).ToList();
        var lookups = relay.Client.GetGrain<ICrmLookupGrain>(tenant);
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();

        var flood = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    outcomes.Add(await lookups.ResolveUserTicketAsync("7T:flood" + Guid.NewGuid().ToString("N")) is null ? "refused" : "accepted");
                }
                catch (CrmException ex) when (ex.ErrorType == TicketCheckAdmission.BusyErrorType && ex.RetryAfter > TimeSpan.Zero)
                {
                    outcomes.Add("busy");
                }
            }
        })));
        await Eventually.ThatAsync(() => outcomes.Count > 50, "the flood to be under way");
        await relay.SendAsync(tenant, [.. contacts.Select(c => Build.Trigger(TriggerType.EmailClicked, c.ContactId, c.Email))]);
        await Eventually.ThatAsync(
            () => contacts.All(c => store.Read(s => s.Sales.Values.Count(x => x.PersonId == c.PersonId) == 1)),
            "every contact's sale while the flood goes on", TimeSpan.FromSeconds(60));
        flood.IsCompleted.ShouldBeFalse("the flood lasted until the sales were made");
        await stop.CancelAsync();
        await flood;
        var seconds = clock.Elapsed.TotalSeconds;

        var logins = relay.Requests(tenant).Count(r => r.Operation == "AuthenticateUsernamePassword" && r.RequestEnvelope.Contains("7T:flood", StringComparison.Ordinal));
        outcomes.ShouldNotContain("accepted");
        logins.ShouldBe(outcomes.Count(o => o == "refused"));
        logins.ShouldBeLessThanOrEqualTo(Burst + (int)Math.Ceiling(seconds * ChecksPerSecond), $"{outcomes.Count} junk tickets in {seconds:0.0} s");
        Console.WriteLine($"{outcomes.Count} junk tickets in {seconds:0.0} s cost {logins} NetServer logins.");
    }
}
