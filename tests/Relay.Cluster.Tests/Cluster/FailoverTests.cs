using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Relay.Contacts;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Faults;
using Xunit.Abstractions;

namespace Relay.Cluster.Tests.Cluster;

/// <summary>
/// Three silo processes, a web host as their client and the NetServer emulator as the tenant's SuperOffice. Twenty
/// thousand triggers go in through the ingest API while one silo is killed with SIGKILL and a fourth joins; each
/// trigger is then on its contact's timeline once and in SuperOffice once, and the silos left share the queues.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Contacts = 2_000;
    private const int TriggersPerContact = 10;
    private const int BatchSize = 1_000;
    /// <summary>Several queues per silo, as the operations guide advises: the ring balancer then leaves no silo without one.</summary>
    private const int QueueCount = 16;
    private const string Tenant = "failover";

    [Fact]
    public async Task A_silo_can_die_and_another_join_without_losing_or_doubling_a_trigger()
    {
        // Conformance to the WSDL schemas is the NetServer tests' business; here the emulator's CPU goes to the load.
        await using var emulator = await EmulatorHost.StartAsync(configure: (_, options) => options.ValidateRequests = false);
        var personIds = emulator.Store.Read(s => s.Persons.Keys.Order().ToArray());
        await using var cluster = await ProcessCluster.StartAzuriteAsync(QueueCount);
        try
        {
            await RunAsync(cluster, emulator, personIds);
        }
        catch
        {
            output.WriteLine(cluster.Tails());

            throw;
        }
    }

    private async Task RunAsync(ProcessCluster cluster, RunningEmulator emulator, int[] personIds)
    {
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => cluster.StartSiloAsync()));
        await cluster.StartWebAsync();
        using var http = new HttpClient { BaseAddress = cluster.WebUrl, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ProcessCluster.AdminKey);
        await ClusterApi.CreateClickTaskTenantAsync(http, Tenant, emulator.BaseUrl);

        // Two passes over the contacts, five triggers each: batch k holds 200 contacts' triggers of pass k / 10.
        var batches = Enumerable.Range(0, Contacts * TriggersPerContact / BatchSize).Select(k => Batch(k, personIds)).ToList();
        var clock = Stopwatch.StartNew();
        var resent = 0;
        ChildProcess? newcomer = null;
        for (var k = 0; k < batches.Count; k += 2)
        {
            // SuperOffice commits the tasks of batches 6 and 7 but answers only after 20 s; the kill lands while the silos
            // wait for those answers, so silo-1 dies with creates that already exist: they must be found, not made twice.
            var hung = k == 6 ? emulator.Faults.Add(new FaultRule { Operation = "Appointment.SaveAppointmentEntity", Kind = FaultKind.TimeoutAfterCommit, HangMs = 20_000, Count = 40 }) : null;
            if (k == 10)
            {
                newcomer = await cluster.StartSiloAsync(waitReady: false);
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: started silo-4");
            }

            var sends = await Task.WhenAll(batches.Skip(k).Take(2).Select(b => ClusterApi.SendUntilAcceptedAsync(http, Tenant, b, output)));
            resent += sends.Sum();
            if (hung is not null)
            {
                await Eventually.ThatAsync(() => hung.Fired >= 12, "a dozen committed tasks waiting for their answer");
                await cluster.Silos[0].Process.KillAsync();
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: killed silo-1 (SIGKILL) with {hung.Fired} committed tasks unanswered");
            }
        }

        var sentIn = clock.Elapsed;
        output.WriteLine($"{sentIn.TotalSeconds:0.0} s: all {Contacts * TriggersPerContact} triggers accepted ({resent} batch(es) sent again)");

        var clicks = (from c in Enumerable.Range(0, Contacts)
                      from n in Enumerable.Range(0, TriggersPerContact)
                      where IsClick(n)
                      select ActionExecutor.ReferenceFor(Tenant, $"c-{c}", $"f-{c}-{n}:click-task:0")).ToList();
        var ledger = await Eventually.GetAsync(
            () => Task.FromResult(ClusterApi.TaskReferences(emulator)),
            refs => refs.Count >= clicks.Count,
            $"SuperOffice to hold {clicks.Count} tasks",
            TimeSpan.FromMinutes(3));
        var processedIn = clock.Elapsed;
        output.WriteLine($"{processedIn.TotalSeconds:0.0} s: {ledger.Count} tasks in SuperOffice; {Contacts * TriggersPerContact / processedIn.TotalSeconds:0} triggers/s end to end");

        ledger.Order(StringComparer.Ordinal).ShouldBe(clicks.Order(StringComparer.Ordinal), "one task per click, none twice, none missing");
        await AllContactsRecordedOnceAsync(http);

        var live = cluster.Silos.Skip(1).ToList();
        var agents = await Eventually.GetAsync(
            async () => string.Join(" + ", await Task.WhenAll(live.Select(s => ProcessCluster.ScrapeAsync(s.Url, "orleans_streams_persistent_stream_pulling_agents")))),
            shares => shares.Split(" + ").Select(double.Parse).ToArray() is var a && a.All(n => n > 0) && a.Sum() == QueueCount,
            $"the {live.Count} live silos to share the {QueueCount} queues (queues pulled per silo)");
        output.WriteLine($"queues pulled by silo-2, silo-3, silo-4: {agents}");
        (await ProcessCluster.ScrapeAsync(live[^1].Url, "orleans_streams_persistent_stream_messages_read_total")).ShouldBeGreaterThan(0, "the newcomer reads triggers from its queues");
        newcomer.ShouldNotBeNull().HasExited.ShouldBeFalse();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: verified");
    }

    private static JsonArray Batch(int k, int[] personIds)
    {
        const int perPass = TriggersPerContact / 2, contactsPerBatch = BatchSize / perPass, batchesPerPass = Contacts / contactsPerBatch;
        var pass = k / batchesPerPass;
        var first = k % batchesPerPass * contactsPerBatch;
        var batch = new JsonArray();
        foreach (var (c, sequence) in Enumerable.Range(first, contactsPerBatch).SelectMany(c => Enumerable.Range(pass * perPass, perPass).Select(n => (c, n))))
        {
            batch.Add(new JsonObject
            {
                ["id"] = $"f-{c}-{sequence}",
                ["type"] = IsClick(sequence) ? "email.clicked" : "email.opened",
                ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
                ["contact"] = new JsonObject { ["id"] = $"c-{c}", ["crmPersonId"] = personIds[c % personIds.Length] },
                ["link"] = new JsonObject { ["url"] = $"https://example.com/p/{sequence}" },
            });
        }

        return batch;
    }

    /// <summary>Every fifth trigger of a contact is a click, which the automation turns into a task in SuperOffice.</summary>
    private static bool IsClick(int sequence) => sequence % 5 == 4;

    private static async Task AllContactsRecordedOnceAsync(HttpClient http) =>
        (await ClusterApi.MisrecordedAsync(http, Tenant, Enumerable.Range(0, Contacts).Select(c => $"c-{c}"), _ => (TriggersPerContact, TriggersPerContact / 5))).ShouldBeEmpty();
}

/// <summary>Multi-process tests load the whole machine: they run alone, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusterCollection
{
    public const string Name = "process-cluster";
}
