using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Relay.NetServerEmulator;
using Xunit.Abstractions;

namespace Relay.Cluster.Tests.Cluster;

/// <summary>What the multi-process tests do through a web host's API, as eMarketeer and an operator would.</summary>
public static partial class ClusterApi
{
    /// <summary>A tenant on <paramref name="crm"/> whose automation makes a task of every click.</summary>
    public static async Task CreateClickTaskTenantAsync(HttpClient http, string tenant, Uri crm)
    {
        (await http.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { displayName = tenant, crm = new { baseUrl = crm.ToString(), userName = "demo", password = "demo" }, crmCallsPerSecond = 1000 }))
            .EnsureSuccessStatusCode();
        var automations = JsonNode.Parse("""
            [{"id":"click-task","name":"Clicked","when":{"type":"email.clicked"},"runPolicy":"everyTime",
              "actions":[{"type":"createTask","taskTypeId":3,"description":"Clicked","dueInDays":1,"owner":{"kind":"associate","associateId":101}}]}]
            """);
        (await http.PutAsJsonAsync($"/api/admin/tenants/{tenant}/automations", automations)).EnsureSuccessStatusCode();
    }

    /// <summary>Sends triggers until they are accepted, as eMarketeer would, in batches of the largest size the API takes; returns how often a batch was sent again.</summary>
    public static async Task<int> SendUntilAcceptedAsync(HttpClient http, string tenant, JsonArray triggers, ITestOutputHelper output)
    {
        var resent = 0;
        foreach (var chunk in triggers.Select(t => t!.DeepClone()).Chunk(1_000))
        {
            resent += await SendBatchUntilAcceptedAsync(http, tenant, new JsonArray(chunk), output);
        }

        return resent;
    }

    private static async Task<int> SendBatchUntilAcceptedAsync(HttpClient http, string tenant, JsonArray batch, ITestOutputHelper output)
    {
        var attempts = 0;
        await Eventually.GetAsync(
            async () =>
            {
                attempts++;
                try
                {
                    using var response = await http.PostAsJsonAsync($"/api/tenants/{tenant}/triggers", batch);
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        output.WriteLine($"batch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }

                    return response.StatusCode == HttpStatusCode.Accepted;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    output.WriteLine($"batch failed: {ex.Message}");
                    return false;
                }
            },
            accepted => accepted,
            "a batch to be accepted",
            TimeSpan.FromMinutes(4));
        return attempts - 1;
    }

    /// <summary>The Relay references of the tasks SuperOffice holds, one per task written.</summary>
    public static List<string> TaskReferences(RunningEmulator emulator) =>
        [.. emulator.Store.Ledger().Where(e => e.Operation == "SaveAppointmentEntity").Select(e => Reference().Match(e.Summary).Groups[1].Value)];

    /// <summary>
    /// The contacts whose timeline total or succeeded outcomes differ from what is expected (or that cannot be read
    /// now), each with what it has.
    /// </summary>
    public static async Task<List<string>> MisrecordedAsync(HttpClient http, string tenant, IEnumerable<string> contacts, Func<string, (int Timeline, int Succeeded)> expected)
    {
        var wrong = new List<string>();
        await Parallel.ForEachAsync(contacts, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, _) =>
        {
            using var response = await http.GetAsync($"/api/tenants/{tenant}/contacts/{c}?take=0", CancellationToken.None);
            if (!response.IsSuccessStatusCode)
            {
                // While a dead silo is not yet declared dead, its contacts cannot be read: not yet, rather than wrong.
                lock (wrong)
                {
                    wrong.Add($"{c}: answered {(int)response.StatusCode}");
                }

                return;
            }

            var contact = await response.Content.ReadFromJsonAsync<JsonNode>(CancellationToken.None);
            var total = contact!["timelineTotal"]!.GetValue<int>();
            var succeeded = contact["outcomes"]!.AsArray().Count(o => o!["status"]!.GetValue<string>() == "succeeded");
            if ((total, succeeded) != expected(c))
            {
                lock (wrong)
                {
                    wrong.Add($"{c}: timeline {total}, succeeded {succeeded}");
                }
            }
        });
        return wrong;
    }

    [GeneratedRegex("#relay-ref:([^#]+)#")]
    private static partial Regex Reference();
}
