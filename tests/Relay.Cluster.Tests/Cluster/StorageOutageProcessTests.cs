using System.Diagnostics;
using System.Text.Json.Nodes;
using Relay.Contacts;
using Relay.NetServerEmulator;
using Xunit.Abstractions;

namespace Relay.Cluster.Tests.Cluster;

/// <summary>
/// Two silo processes and a web host on Azurite whose blob, queue and table services are separate processes, with the
/// NetServer emulator as SuperOffice. Triggers are in flight when storage fails for longer than the delivery window, one
/// silo is SIGKILLed during the outage and a new one started; afterwards every accepted trigger is on its contact's
/// timeline once and every task is in SuperOffice once. First the Table service stops while the queues stay up; then
/// every service freezes.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class StorageOutageProcessTests(ITestOutputHelper output)
{
    private const int Contacts = 120;
    private const int TriggersPerContact = 5;
    private const string Tenant = "outage";
    private static readonly TimeSpan DeliveryWindow = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Triggers_in_flight_survive_a_storage_outage_longer_than_the_delivery_window_and_a_silo_kill()
    {
        await using var emulator = await EmulatorHost.StartAsync(configure: (_, options) => options.ValidateRequests = false);
        var personIds = emulator.Store.Read(s => s.Persons.Keys.Order().ToArray());
        await using var cluster = await ProcessCluster.StartAzuriteAsync(queueCount: 4, separateServices: true);
        cluster.Settings["Relay__Orleans__Azure__DeliveryWindow"] = DeliveryWindow.ToString();
        cluster.Settings["Relay__Orleans__Azure__MessageVisibilityTimeout"] = "00:00:10";
        try
        {
            await Task.WhenAll(cluster.StartSiloAsync(), cluster.StartSiloAsync());
            await cluster.StartWebAsync();
            using var http = new HttpClient { BaseAddress = cluster.WebUrl, Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Add("X-Api-Key", ProcessCluster.AdminKey);
            await ClusterApi.CreateClickTaskTenantAsync(http, Tenant, emulator.BaseUrl);

            var clock = Stopwatch.StartNew();
            await OutageAsync(cluster, http, round: 0, personIds, clock, "the Table service stopped", () => cluster.Azurite.StopAsync("table"), () => cluster.Azurite.StartAsync("table"));
            await OutageAsync(cluster, http, round: 1, personIds, clock, "every service frozen", () => { cluster.Azurite.FreezeAll(); return Task.CompletedTask; }, () => { cluster.Azurite.ThawAll(); return Task.CompletedTask; },
                tableFirst: () => cluster.Azurite.Freeze("table"));

            var clicks = Enumerable.Range(0, 2).SelectMany(round => Enumerable.Range(0, Contacts).Select(c => ActionExecutor.ReferenceFor(Tenant, Contact(c), $"{TriggerId(round, c, TriggersPerContact - 1)}:click-task:0"))).ToList();
            var ledger = await Eventually.GetAsync(() => Task.FromResult(ClusterApi.TaskReferences(emulator)), refs => refs.Count >= clicks.Count, $"SuperOffice to hold {clicks.Count} tasks", TimeSpan.FromMinutes(3));
            ledger.Order(StringComparer.Ordinal).ShouldBe(clicks.Order(StringComparer.Ordinal), "one task per click, none twice, none missing");
            (await ClusterApi.MisrecordedAsync(http, Tenant, Enumerable.Range(0, Contacts).Select(Contact), _ => (2 * TriggersPerContact, 2))).ShouldBeEmpty();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: verified");
        }
        catch
        {
            output.WriteLine(cluster.Tails());
            throw;
        }
    }

    /// <summary>
    /// Sends the round's first triggers, fails storage at once (they are in flight: with <paramref name="tableFirst"/>, the
    /// Table service fails before they are sent, so a silo that reads them cannot store them), sends the rest, kills a live silo
    /// other than one that took triggers (the consistent ring may give one silo every queue) and starts a new one, waits until a silo gave a trigger back to its queue (the outage outlasted the delivery
    /// window), then restores storage and waits until the round's triggers are all on their timelines.
    /// </summary>
    private async Task OutageAsync(ProcessCluster cluster, HttpClient http, int round, int[] personIds, Stopwatch clock, string outage, Func<Task> fail, Func<Task> restore, Action? tableFirst = null)
    {
        var live = cluster.Silos.Where(s => !s.Process.HasExited).ToList();
        var before = await Task.WhenAll(live.Select(s => ReadAsync(s.Url)));
        tableFirst?.Invoke();
        await ClusterApi.SendUntilAcceptedAsync(http, Tenant, Batch(round, 0, TriggersPerContact - 2, personIds), output);

        // The consistent ring may give one silo every queue: the survivor is a silo that took triggers (the newest such), the other is killed.
        var reading = await Eventually.GetAsync(
            async () => (await Task.WhenAll(live.Select(s => ReadAsync(s.Url)))).Select((r, i) => r > before[i]).ToArray(),
            took => took.Any(t => t),
            "a silo to take triggers from its queues");
        var survivorSilo = live[Array.LastIndexOf(reading, true)];
        var victim = live.First(s => s != survivorSilo);
        var survivor = survivorSilo.Url;
        var redelivered = await RedeliveredAsync(survivor);
        await fail();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {outage}");
        if (round == 0)
        {
            // Ingest needs only the queues, which are up; with every service frozen nothing could accept it.
            await ClusterApi.SendUntilAcceptedAsync(http, Tenant, Batch(round, TriggersPerContact - 2, 2, personIds), output);
        }

        await victim.Process.KillAsync();
        var newcomer = await cluster.StartSiloAsync(waitReady: false);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: killed {victim.Process.Name} ({survivorSilo.Process.Name} survives), started silo-{cluster.Silos.Count}");

        await Eventually.ThatAsync(
            async () => await RedeliveredAsync(survivor) > redelivered,
            $"{survivorSilo.Process.Name} to give a trigger back to its queue after the delivery window", TimeSpan.FromMinutes(2));

        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {await ProcessCluster.ScrapeAsync(survivor, "relay_triggers_redelivery_waiting")} trigger(s) waiting on {survivorSilo.Process.Name}");
        await restore();

        // A silo started while Table storage is unreachable may give up starting (its tables cannot be opened) and exit;
        // its orchestrator starts it again, as this does.
        if (!await ProcessCluster.ReadyOrExitedAsync(cluster.Silos[^1]))
        {
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {newcomer.Name} exited during the outage; starting it again");
            await cluster.StartSiloAsync();
        }
        if (round == 1)
        {
            await ClusterApi.SendUntilAcceptedAsync(http, Tenant, Batch(round, TriggersPerContact - 2, 2, personIds), output);
        }

        var wrong = await Eventually.GetAsync(
            () => ClusterApi.MisrecordedAsync(http, Tenant, Enumerable.Range(0, Contacts).Select(Contact), _ => ((round + 1) * TriggersPerContact, round + 1)),
            w => w.Count == 0,
            $"round {round}'s triggers on every timeline",
            TimeSpan.FromMinutes(3));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: round {round} recorded ({wrong.Count} contacts off)");
    }

    /// <summary>Triggers <paramref name="first"/>…+<paramref name="count"/> of every contact in a round; the last of each contact's round is a click.</summary>
    private static JsonArray Batch(int round, int first, int count, int[] personIds)
    {
        var batch = new JsonArray();
        for (var c = 0; c < Contacts; c++)
        {
            foreach (var n in Enumerable.Range(first, count))
            {
                batch.Add(new JsonObject
                {
                    ["id"] = TriggerId(round, c, n),
                    ["type"] = n == TriggersPerContact - 1 ? "email.clicked" : "email.opened",
                    ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
                    ["contact"] = new JsonObject { ["id"] = Contact(c), ["crmPersonId"] = personIds[c % personIds.Length] },
                    ["link"] = new JsonObject { ["url"] = $"https://example.com/p/{round}/{n}" },
                });
            }
        }

        return batch;
    }

    private static Task<double> ReadAsync(Uri silo) => ProcessCluster.ScrapeAsync(silo, "orleans_streams_persistent_stream_messages_read_total");

    private static Task<double> RedeliveredAsync(Uri silo) => ProcessCluster.ScrapeAsync(silo, "relay_triggers_redelivered_total");

    private static string Contact(int c) => $"c-{c}";

    private static string TriggerId(int round, int c, int n) => $"o{round}-{c}-{n}";
}
