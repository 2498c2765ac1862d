using Microsoft.Extensions.DependencyInjection;
using Relay.Crm;
using Relay.Resilience;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Faults;
using Relay.NetServerEmulator.Soap;
using Relay.Triggers;

namespace Relay.Tests.Resilience;

/// <summary>A tenant's CRM request rate across three silos, and draining after an outage, measured in the emulator's request log.</summary>
[Collection(RateMeasurementCollection.Name)]
public sealed class RateLimitTests(ResilienceClusterFixture fixture)
{
    private const int Limit = 10;

    private EmulatorCluster Relay => fixture.Cluster;

    private EmulatorStore Store => fixture.Cluster.Emulator.Store;

    [Fact]
    public async Task With_three_silos_the_tenants_call_rate_over_20_seconds_is_within_ten_percent_of_its_limit()
    {
        // 45 contacts × 6 requests (look up, read the person, create a sale in two calls, set an interest in two) ≈ 27 s of work at 10/s.
        var (tenant, persons) = await SeedAsync(45, Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Pricing", 100, null, 10, ActionOwner.CompanyAssociate), new AddInterestAction(5)));

        await Relay.SendAsync(tenant, [.. persons.Select(p => Build.Trigger(TriggerType.EmailClicked, p.ContactId, p.Email))]);
        var first = (await Eventually.GetAsync(() => Task.FromResult(Relay.Requests(tenant)), r => r.Count > 0, "the first CRM request"))[0].At;
        var from = first.AddSeconds(3); // past the first logins and the budget grains' start
        var to = from.AddSeconds(20);
        var requests = await Eventually.GetAsync(() => Task.FromResult(Relay.Requests(tenant)), r => r.Count > 0 && r[^1].At > to, "a request after the 20 s window", TimeSpan.FromSeconds(90));
        var inWindow = requests.Count(r => r.At >= from && r.At < to);
        await Eventually.ThatAsync(
            () => persons.All(p => Store.Read(s => s.Sales.Values.Count(x => x.PersonId == p.PersonId) == 1 && s.Persons[p.PersonId].InterestIds.Contains(5))),
            "every contact's sale and interest", TimeSpan.FromSeconds(90));

        inWindow.ShouldBeInRange(Limit * 20 * 90 / 100, Limit * 20 * 110 / 100, $"requests in the 20 s window at {Limit}/s: {inWindow}");
        Console.WriteLine($"Observed {inWindow / 20.0:0.00} calls/s over 20 s with a limit of {Limit}/s on 3 silos.");
    }

    [Fact]
    public async Task While_the_crm_answers_503_calls_stop_and_once_it_is_back_the_backlog_drains_at_the_rate_limit_and_nothing_is_lost()
    {
        var selection = Store.AddSelection("Outage").SelectionId;
        var (tenant, persons) = await SeedAsync(30, Build.Automation(TriggerType.FormSubmitted, new CreateTaskAction(3, "Call back", 1, ActionOwner.CompanyAssociate), new AddToSelectionAction(selection)));
        Relay.Emulator.Faults.Add(new FaultRule { Operation = "*", Kind = FaultKind.Http503 });

        await Relay.SendAsync(tenant, [.. persons.Select(p => Build.Trigger(TriggerType.FormSubmitted, p.ContactId, p.Email))]);
        var during = await Eventually.GetAsync(
            () => Task.FromResult(Relay.Requests(tenant).Where(r => r.Status == 503).ToList()),
            r => r.Count > 0 && r[^1].At - r[0].At > TimeSpan.FromSeconds(10),
            "10 s of 503 answers");
        var remindedDuringOutage = await Relay.HasDrainReminderAsync(tenant, persons[0].ContactId);
        Relay.Emulator.Faults.Clear();
        var recoveredAt = Store.Now;
        await Eventually.ThatAsync(
            () => persons.All(p => Store.Read(s => s.Appointments.Values.Count(a => a.PersonId == p.PersonId) == 1 && s.Selections[selection].Members.Any(m => m.PersonId == p.PersonId))),
            "every task and selection member after the outage", TimeSpan.FromSeconds(120));
        var drain = Relay.Requests(tenant).Where(r => r.At >= recoveredAt).ToList();

        // A contact with work left keeps a reminder, so it would come back after a silo loss; once drained it lets go.
        remindedDuringOutage.ShouldBeTrue();
        await Eventually.GetAsync(() => Relay.HasDrainReminderAsync(tenant, persons[0].ContactId), has => !has, "the drained contact to drop its reminder");

        // The breaker stopped the calls: in 10 s the budget allowed 100; three silos' breakers let through far fewer.
        during.Count.ShouldBeLessThan(Limit * 10 / 2, $"503 answers during the outage: {during.Count}");

        // Nothing lost, nothing twice: one task per contact and every contact in the selection.
        Store.Read(s => s.Appointments.Values.Count(a => persons.Any(p => p.PersonId == a.PersonId))).ShouldBe(persons.Count);
        drain.ShouldAllBe(r => r.Status == 200);
        MaxInAnySecond(drain).ShouldBeLessThanOrEqualTo(Limit + (int)PermitBucket.Burst(Limit) + 1, "requests in any one second of the drain: the rate and one burst");
        var seconds = (drain[^1].At - drain[0].At).TotalSeconds;
        (drain.Count / seconds).ShouldBeLessThanOrEqualTo(Limit * 1.1, $"{drain.Count} requests in {seconds:0.0} s");
        Console.WriteLine($"Outage: {during.Count} requests answered 503 in {(during[^1].At - during[0].At).TotalSeconds:0.0} s; drain: {drain.Count} requests in {seconds:0.0} s ({drain.Count / seconds:0.00}/s), at most {MaxInAnySecond(drain)} in any second.");
    }

    [Fact]
    public async Task Rep_facing_requests_go_before_bulk_requests_that_waited_longer()
    {
        var tenant = await Relay.CreateTenantAsync(Limit);
        var gate = Relay.Cluster.GetSiloServiceProvider(Relay.Cluster.Silos[0].SiloAddress).GetRequiredService<ICrmRequestGate>();
        var served = new System.Collections.Concurrent.ConcurrentQueue<CrmPriority>();
        Task Request(CrmPriority priority) => CrmCallContext.WithPriorityAsync(priority, async () =>
        {
            await gate.WaitAsync(tenant, CancellationToken.None);
            served.Enqueue(priority);
            return true;
        });

        // The budget's first burst goes to whoever asks first; then 20 bulk requests queue, and 5 rep-facing ones after them.
        var burst = (int)PermitBucket.Burst(Limit);
        await Task.WhenAll(Enumerable.Range(0, burst).Select(_ => Request(CrmPriority.Bulk)));
        var bulk = Enumerable.Range(0, 20).Select(_ => Request(CrmPriority.Bulk)).ToList();
        var repFacing = Enumerable.Range(0, 5).Select(_ => Request(CrmPriority.RepFacing)).ToList();
        await Task.WhenAll(repFacing);
        var servedBulk = served.Count(p => p == CrmPriority.Bulk) - burst;
        await Task.WhenAll(bulk);

        servedBulk.ShouldBeLessThanOrEqualTo(3, "bulk requests served before the last rep-facing one");
    }

    private async Task<(string Tenant, List<(string ContactId, string Email, int PersonId)> Persons)> SeedAsync(int contacts, params Automation[] automations)
    {
        var tenant = await Relay.CreateTenantAsync(Limit, automations);
        var company = Store.AddCompany("Rate AB", associateId: 101).CompanyId;
        var persons = Enumerable.Range(0, contacts).Select(i =>
        {
            var email = Build.Email();
            return ($"c{i}", email, Store.AddPerson("P", $"{i}", email, company).PersonId);
        }).ToList();
        return (tenant, persons);
    }

    private static int MaxInAnySecond(List<RequestLogEntry> requests)
    {
        var max = 0;
        for (int i = 0, j = 0; i < requests.Count; i++)
        {
            while (requests[i].At - requests[j].At >= TimeSpan.FromSeconds(1))
            {
                j++;
            }

            max = Math.Max(max, i - j + 1);
        }

        return max;
    }
}
