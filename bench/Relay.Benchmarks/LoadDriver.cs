using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Relay.Automations;
using Relay.Contacts;
using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.NetServerEmulator.Data;
using Relay.Triggers;

namespace Relay.Benchmarks;

/// <summary>
/// Relay's load driver: triggers through the real ingest API into the co-hosted cluster, with the
/// NetServer emulator as SuperOffice over HTTP; and, in the same run, the bare SOAP client driving the
/// emulator with the same calls at the same concurrency. Writes a Markdown table and a CSV.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Relay.Benchmarks -- load [--triggers 20000] [--contacts 2000]
/// [--crm-triggers 4000] [--crm-contacts 400] [--crm-latency-ms 0] [--memory-contacts 20000] [--out bench/results]
/// [--scenarios timeline,crm,pipeline,bare,port,memory] [--distinct-contacts 1000000 (scenario "million", not run by default)]</c>
/// </remarks>
public static class LoadDriver
{
    /// <summary>The automation of the CRM scenarios: one sale for every form submitted.</summary>
    private static readonly Automation SalePerForm =
        new("sale", "Sale per form", new AutomationMatch(TriggerType.FormSubmitted), [new CreateSaleAction("Load", 1, null, 10, ActionOwner.Associate(102))]);

    /// <summary>Runs every scenario and writes the report.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadOptions.Parse(args);
        var report = new List<(string Scenario, string Metric, double Value, string Unit)>();
        Console.WriteLine($"Relay load driver: {options}");
        await using var host = await BenchHost.StartAsync();
        using var meters = new RelayMeters();

        if (options.Runs("timeline"))
        {
            var round = 0;
            await WarmUpAsync("timeline", () => TimelineOnlyAsync(host, meters, options with { Triggers = options.Triggers / 4 }, [], $"load-timeline-warm-up-{++round}"));
            await TimelineOnlyAsync(host, meters, options, report, "load-timeline");
        }

        if (options.Runs("crm") || options.Runs("bare"))
        {
            // Both sides of the headline ratio run warm: JIT tiers, connections and the emulator's caches are
            // in the state a long-running process has, whichever scenario happens to go first.
            var warmUp = options with { CrmTriggers = options.CrmTriggers / 4 };
            await WarmUpAsync("crm and bare", async () =>
            {
                await CrmAsync(host, meters, warmUp, [], rate: 0, "warm-up");
                await BareClientAsync(host, warmUp, []);
            });
        }

        // The two sides of the headline ratio run back to back, so that the machine is as alike as it gets for both.
        var maxRate = options.Runs("crm") ? await CrmAsync(host, meters, options, report, rate: 0, "crm flat out") : 0;
        if (options.Runs("bare"))
        {
            await BareClientAsync(host, options, report);
        }

        if (options.Runs("port"))
        {
            await PortAsync(host, options, report);
        }

        if (options.Runs("crm"))
        {
            await CrmAsync(host, meters, options, report, rate: maxRate / 2, "crm at half the maximum rate");
        }

        if (options.Runs("pipeline"))
        {
            await PipelineAsync(options, report);
        }

        if (options.Runs("memory"))
        {
            await MemoryAsync(host, meters, options, report);
        }

        if (options.Runs("million"))
        {
            await DistinctContactsAsync(options, report);
        }

        await IdleAsync(host, report);

        if (options.Runs("crm") && options.Runs("bare"))
        {
            var relay = report.Single(r => r is { Scenario: "crm flat out", Metric: "CRM calls/s" }).Value;
            var bare = report.Single(r => r is { Scenario: "bare SOAP client", Metric: "CRM calls/s" }).Value;
            report.Add(("headline", "Relay / bare client CRM throughput", relay / bare, "ratio"));
        }

        Write(options, report);
        return 0;
    }

    /// <summary>Triggers no automation acts on: ingest → stream → contact grain → timeline.</summary>
    private static async Task TimelineOnlyAsync(BenchHost host, RelayMeters meters, LoadOptions o, List<(string, string, double, string)> report, string tenant)
    {
        await host.CreateTenantAsync(tenant, s => s with { LookUpNewContacts = false });
        var before = meters.Count("relay.triggers.processed");
        var batches = Batches(o.Triggers, o.Contacts, i => (TriggerType.EmailOpened, $"t-{i % o.Contacts}", $"t-{i % o.Contacts}@load.example"));
        var gcBefore = GcCounts();
        var cost = ProcessCost.Now();
        var clock = Stopwatch.StartNew();
        var accepted = await PostAllAsync(host, tenant, batches, rate: 0);
        await BenchHost.WaitAsync(() => Task.FromResult(meters.Count("relay.triggers.processed") - before >= o.Triggers), "every trigger on its timeline");
        var seconds = clock.Elapsed.TotalSeconds;
        report.Add(("timeline only", "triggers", o.Triggers, "count"));
        report.Add(("timeline only", "contacts", o.Contacts, "count"));
        report.Add(("timeline only", "ingest accepted/s", o.Triggers / accepted.TotalSeconds, "triggers/s"));
        report.Add(("timeline only", "ingest → timeline", o.Triggers / seconds, "triggers/s"));
        cost.AddPer(report, "timeline only", o.Triggers, "trigger");
        AddGc(report, "timeline only", gcBefore);
        Console.WriteLine($"timeline only: {o.Triggers / seconds:0} triggers/s");
    }

    /// <summary>Every trigger creates a sale for its (existing) person; returns the triggers/s processed.</summary>
    private static async Task<double> CrmAsync(BenchHost host, RelayMeters meters, LoadOptions o, List<(string, string, double, string)> report, double rate, string scenario)
    {
        // One tenant for every run, as for the bare client: a tenant has its own connection pool, and a new one per
        // run would leave hundreds of idle connections (and file descriptors) behind each warm-up round.
        const string tenant = "load-crm";
        var run = $"crm-{Guid.NewGuid():N}"[..16];
        SetLatency(host, o.CrmLatencyMs);
        var emails = SeedPersons(host, run, o.CrmContacts);
        await host.CreateTenantAsync(
            tenant,
            s => s with { CrmCallsPerSecond = Relay.Tenants.TenantSettings.MaxCrmCallsPerSecond },
            SalePerForm);
        var calls = meters.Count("relay.crm.calls");
        var committed = meters.Count("relay.actions", "outcome", "succeeded");
        meters.ClearLags();
        // Paced runs post a twentieth of a second's worth at a time, as a steady producer would: 500-trigger
        // bursts at a low rate would measure the burst, not the pipeline.
        var batchSize = rate > 0 ? Math.Max(1, (int)(rate / 20)) : 500;
        var batches = Batches(o.CrmTriggers, o.CrmContacts, i => (TriggerType.FormSubmitted, $"{run}-{i % o.CrmContacts}", emails[i % o.CrmContacts]), batchSize);
        var gcBefore = GcCounts();
        var cost = ProcessCost.Now();
        var requestsBefore = host.Emulator.Requests.Total;
        var clock = Stopwatch.StartNew();
        await PostAllAsync(host, tenant, batches, rate);
        var progress = Stopwatch.StartNew();
        await BenchHost.WaitAsync(
            () =>
            {
                if (progress.Elapsed > TimeSpan.FromSeconds(10))
                {
                    progress.Restart();
                    Console.WriteLine($"{scenario}: {meters.Count("relay.actions", "outcome", "succeeded") - committed} committed, {meters.Count("relay.actions", "outcome", "retry")} retries, {meters.Count("relay.actions", "outcome", "parked")} parked so far");
                }

                return Task.FromResult(meters.Count("relay.actions", "outcome", "succeeded") - committed >= o.CrmTriggers);
            },
            "every sale committed",
            TimeSpan.FromMinutes(20));
        var seconds = clock.Elapsed.TotalSeconds;
        var lags = meters.Lags();
        var perSecond = o.CrmTriggers / seconds;
        report.Add((scenario, "triggers (one sale each)", o.CrmTriggers, "count"));
        report.Add((scenario, "contacts (concurrency)", o.CrmContacts, "count"));
        report.Add((scenario, "target rate", rate, rate == 0 ? "flat out" : "triggers/s"));
        report.Add((scenario, "triggers processed/s", perSecond, "triggers/s"));
        report.Add((scenario, "CRM calls/s", (meters.Count("relay.crm.calls") - calls) / seconds, "calls/s"));
        report.Add((scenario, "SOAP requests the emulator answered/s", (host.Emulator.Requests.Total - requestsBefore) / seconds, "requests/s"));
        cost.AddPer(report, scenario, o.CrmTriggers, "trigger");
        report.Add((scenario, "p50 ingest → CRM commit", Percentile(lags, 0.50) * 1000, "ms"));
        report.Add((scenario, "p95 ingest → CRM commit", Percentile(lags, 0.95) * 1000, "ms"));
        report.Add((scenario, "p99 ingest → CRM commit", Percentile(lags, 0.99) * 1000, "ms"));
        AddGc(report, scenario, gcBefore);
        Console.WriteLine($"{scenario}: {perSecond:0} triggers/s, p99 {Percentile(lags, 0.99) * 1000:0} ms");
        return perSecond;
    }

    /// <summary>
    /// The CRM scenario flat out against the in-memory CRM, in a host of its own: Relay's own ceiling for
    /// actions when the CRM costs nothing, and its CPU per action.
    /// </summary>
    private static async Task PipelineAsync(LoadOptions o, List<(string, string, double, string)> report)
    {
        await using var host = await BenchHost.StartAsync(new Dictionary<string, string?> { ["Relay:Crm:Mode"] = "InMemory", ["Relay:Emulator:Enabled"] = "false" });
        using var meters = new RelayMeters();
        var round = 0;
        await WarmUpAsync("pipeline", () => RoundAsync($"load-pipeline-warm-up-{++round}", o with { CrmTriggers = o.CrmTriggers / 4 }, []));
        await RoundAsync("load-pipeline", o, report);

        async Task RoundAsync(string tenant, LoadOptions o, List<(string, string, double, string)> report)
        {
            var crm = host.InMemoryCrm!;
            var company = crm.SeedCompany("Pipeline AB", 102);
            var emails = Enumerable.Range(0, o.CrmContacts).Select(i => $"{tenant}-{i}@crm.example").ToArray();
            foreach (var (email, i) in emails.Select((e, i) => (e, i)))
            {
                crm.SeedPerson("Load", $"Person {i}", email, company);
            }

            await host.CreateTenantAsync(tenant, null, SalePerForm);
            var batches = Batches(o.CrmTriggers, o.CrmContacts, i => (TriggerType.FormSubmitted, $"{tenant}-{i % o.CrmContacts}", emails[i % o.CrmContacts]));
            var committed = meters.Count("relay.actions", "outcome", "succeeded");
            meters.ClearLags();
            var cost = ProcessCost.Now();
            var clock = Stopwatch.StartNew();
            await PostAllAsync(host, tenant, batches, rate: 0);
            await BenchHost.WaitAsync(() => Task.FromResult(meters.Count("relay.actions", "outcome", "succeeded") - committed >= o.CrmTriggers), "every sale committed", TimeSpan.FromMinutes(20));
            var seconds = clock.Elapsed.TotalSeconds;
            var lags = meters.Lags();
            report.Add(("in-memory CRM", "triggers (one sale each)", o.CrmTriggers, "count"));
            report.Add(("in-memory CRM", "triggers processed/s", o.CrmTriggers / seconds, "triggers/s"));
            report.Add(("in-memory CRM", "p99 ingest → CRM commit", Percentile(lags, 0.99) * 1000, "ms"));
            cost.AddPer(report, "in-memory CRM", o.CrmTriggers, "trigger");
            Console.WriteLine($"in-memory CRM ({tenant}): {o.CrmTriggers / seconds:0} triggers/s");
        }
    }

    /// <summary>The bare SOAP client, one for the whole run (like the silo's), so that its connections are reused.</summary>
    private static readonly NetServerCrm BareCrm = new();

    /// <summary>The same CRM calls Relay makes for the CRM scenario, by the bare SOAP client, one worker per contact.</summary>
    private static async Task BareClientAsync(BenchHost host, LoadOptions o, List<(string, string, double, string)> report)
    {
        var requestsBefore = host.Emulator.Requests.Total;
        var (calls, seconds) = await DriveAsync(host, BareCrm, "load-bare", o, report, "bare SOAP client");
        report.Add(("bare SOAP client", "contacts (concurrency)", o.CrmContacts, "count"));
        report.Add(("bare SOAP client", "sales", o.CrmTriggers / o.CrmContacts * o.CrmContacts, "count"));
        report.Add(("bare SOAP client", "SOAP requests the emulator answered/s", (host.Emulator.Requests.Total - requestsBefore) / seconds, "requests/s"));
        Console.WriteLine($"bare client: {calls / seconds:0} calls/s");
    }

    /// <summary>
    /// The bare client's loop through the silo's own CRM port (the NetServer adapter inside the circuit breaker, the
    /// instrumentation and the tenant's rate limiter), outside any grain: what Relay's CRM plumbing costs by itself.
    /// </summary>
    private static async Task PortAsync(BenchHost host, LoadOptions o, List<(string, string, double, string)> report)
    {
        const string tenant = "load-port";
        await host.CreateTenantAsync(tenant, s => s with { CrmCallsPerSecond = Relay.Tenants.TenantSettings.MaxCrmCallsPerSecond });
        var (calls, seconds) = await DriveAsync(host, host.Services.GetRequiredService<ICrm>(), tenant, o, report, "silo's CRM port");
        Console.WriteLine($"silo's CRM port: {calls / seconds:0} calls/s");
    }

    /// <summary>One worker per contact: look the person up, then create its share of the sales; reports CRM calls/s and the cost per sale.</summary>
    private static async Task<(long Calls, double Seconds)> DriveAsync(BenchHost host, ICrm crm, string tenant, LoadOptions o, List<(string, string, double, string)> report, string scenario)
    {
        var run = $"{tenant}-{Guid.NewGuid():N}"[..20];
        var emails = SeedPersons(host, run, o.CrmContacts);
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

    /// <summary>Managed memory per activated contact that holds one timeline entry and is idle.</summary>
    private static async Task MemoryAsync(BenchHost host, RelayMeters meters, LoadOptions o, List<(string, string, double, string)> report)
    {
        const string tenant = "load-memory";
        await host.CreateTenantAsync(tenant, s => s with { LookUpNewContacts = false });
        var management = host.Grains.GetGrain<IManagementGrain>(0);
        var activationsBefore = await management.GetTotalActivationCount();
        var memoryBefore = SettledMemory();
        var before = meters.Count("relay.triggers.processed");
        await PostAllAsync(host, tenant, Batches(o.MemoryContacts, o.MemoryContacts, i => (TriggerType.EmailOpened, $"m-{i}", $"m-{i}@load.example")), rate: 0);
        await BenchHost.WaitAsync(() => Task.FromResult(meters.Count("relay.triggers.processed") - before >= o.MemoryContacts), "every contact's trigger");
        var memoryAfter = SettledMemory();
        var activations = await management.GetTotalActivationCount() - activationsBefore;
        report.Add(("idle contacts", "contacts activated", o.MemoryContacts, "count"));
        report.Add(("idle contacts", "grain activations added", activations, "count"));
        report.Add(("idle contacts", "managed memory per contact (activation + stored state)", (memoryAfter - memoryBefore) / (double)o.MemoryContacts, "bytes"));

        // What stays once the grains are gone: the state embedded storage keeps in this heap, and the pulling agent's
        // bookkeeping of each contact's stream (kept until the stream has been idle for a while).
        await Parallel.ForEachAsync(Enumerable.Range(0, o.MemoryContacts), async (i, ct) =>
            await host.Grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, $"m-{i}")).AsReference<IGrainManagementExtension>().DeactivateOnIdle(ct));
        await BenchHost.WaitAsync(async () => await management.GetTotalActivationCount() - activationsBefore <= activations - o.MemoryContacts, "the contacts deactivated");
        var memoryLeft = SettledMemory();
        report.Add(("idle contacts", "of which left after the contacts deactivate (stored state, stream bookkeeping)", (memoryLeft - memoryBefore) / (double)o.MemoryContacts, "bytes"));
        report.Add(("idle contacts", "of which the activations", (memoryAfter - memoryLeft) / (double)o.MemoryContacts, "bytes"));
        Console.WriteLine($"memory: {(memoryAfter - memoryBefore) / (double)o.MemoryContacts:0} bytes per contact, {(memoryAfter - memoryLeft) / (double)o.MemoryContacts:0} of them the activation");
    }

    /// <summary>
    /// <see cref="LoadOptions.DistinctContacts"/> contacts, one trigger each, through a host of its own whose idle
    /// grains are collected after 30 s: whether activations stay bounded while the contacts keep coming, and what
    /// each contact costs once its grain is gone (its stored state, which embedded storage keeps in this heap).
    /// </summary>
    private static async Task DistinctContactsAsync(LoadOptions o, List<(string, string, double, string)> report)
    {
        await using var host = await BenchHost.StartAsync(new Dictionary<string, string?> { ["Relay:Orleans:CollectionAge"] = "00:00:30" });
        using var meters = new RelayMeters();
        const string tenant = "load-million";
        await host.CreateTenantAsync(tenant, s => s with { LookUpNewContacts = false });
        var management = host.Grains.GetGrain<IManagementGrain>(0);
        var memoryBefore = SettledMemory();
        var peakActivations = 0;
        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var activations = await management.GetTotalActivationCount();
                peakActivations = Math.Max(peakActivations, activations);
                Console.WriteLine($"distinct contacts: {meters.Count("relay.triggers.processed")} processed, {activations} activations, {GC.GetTotalMemory(false) / 1048576} MB heap, {clock.Elapsed.TotalSeconds:0} s");
                await Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
        });
        const int chunk = 50_000;
        for (var start = 0; start < o.DistinctContacts; start += chunk)
        {
            var count = Math.Min(chunk, o.DistinctContacts - start);
            var first = start;
            await PostAllAsync(host, tenant, Batches(count, count, i => (TriggerType.EmailOpened, $"d-{first + i}", $"d-{first + i}@load.example")), rate: 0);
        }

        await BenchHost.WaitAsync(() => Task.FromResult(meters.Count("relay.triggers.processed") >= o.DistinctContacts), "every distinct contact's trigger", TimeSpan.FromMinutes(60));
        var seconds = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        var activationsAtEnd = await management.GetTotalActivationCount();
        var memoryAfter = SettledMemory();
        report.Add(("distinct contacts", "contacts, one trigger each", o.DistinctContacts, "count"));
        report.Add(("distinct contacts", "ingest → timeline", o.DistinctContacts / seconds, "triggers/s"));
        report.Add(("distinct contacts", "batches answered 503 (queues full) and sent again", host.Refused, "count"));
        report.Add(("distinct contacts", "peak grain activations (sampled every 10 s)", peakActivations, "count"));
        report.Add(("distinct contacts", "grain activations at the end", activationsAtEnd, "count"));
        report.Add(("distinct contacts", "managed heap growth per contact (stored state and what is still active)", (memoryAfter - memoryBefore) / (double)o.DistinctContacts, "bytes"));
    }

    /// <summary>What the process spends when no trigger arrives, with every activation of the run still in memory.</summary>
    private static async Task IdleAsync(BenchHost host, List<(string, string, double, string)> report)
    {
        var activations = await host.Grains.GetGrain<IManagementGrain>(0).GetTotalActivationCount();
        var cpuBefore = Cpu();
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var cores = (Cpu() - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
        report.Add(("idle", "grain activations", activations, "count"));
        report.Add(("idle", "process CPU while nothing is sent", cores, "cores"));
        Console.WriteLine($"idle: {cores:0.00} cores with {activations} activations");
    }

    private static long SettledMemory()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string[] SeedPersons(BenchHost host, string prefix, int count)
    {
        var company = host.Emulator.Store.AddCompany(prefix + " AB", 102);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var email = $"{prefix}-{i}@crm.example";
            host.Emulator.Store.AddPerson("Load", $"Person {i}", email, company.CompanyId);
            return email;
        })];
    }

    private static void SetLatency(BenchHost host, int milliseconds)
    {
        host.Emulator.Faults.Clear();
        if (milliseconds > 0)
        {
            host.Emulator.Faults.Add(new NetServerEmulator.Faults.FaultRule { Operation = "*", Kind = NetServerEmulator.Faults.FaultKind.Latency, LatencyMs = milliseconds });
        }
    }

    /// <summary>Batches of up to <paramref name="size"/> triggers, each contact's triggers spread over the run.</summary>
    private static List<Func<JsonObject[]>> Batches(int triggers, int contacts, Func<int, (TriggerType Type, string ContactId, string Email)> make, int size = 500) =>
        [.. Enumerable.Range(0, triggers).Chunk(size).Select(chunk => (Func<JsonObject[]>)(() => [.. chunk.Select(i =>
        {
            var (type, contact, email) = make(i);
            return BenchHost.Trigger(type, contact, email);
        })]))];

    /// <summary>Posts the batches, four at a time, flat out or paced to <paramref name="rate"/> triggers/s; returns how long it took.</summary>
    private static async Task<TimeSpan> PostAllAsync(BenchHost host, string tenant, List<Func<JsonObject[]>> batches, double rate)
    {
        var clock = Stopwatch.StartNew();
        var sent = 0L;
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = rate > 0 ? 1 : 4 }, async (batch, ct) =>
        {
            var triggers = batch();
            if (rate > 0)
            {
                var due = TimeSpan.FromSeconds(Interlocked.Read(ref sent) / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, ct);
                }

                triggers = batch();
            }

            await host.SendAsync(tenant, triggers);
            Interlocked.Add(ref sent, triggers.Length);
        });
        return clock.Elapsed;
    }

    private static TimeSpan Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>The process's CPU time and allocated bytes at one moment, to report what a scenario cost per unit of work.</summary>
    /// <summary>
    /// Runs <paramref name="round"/> until the JIT is quiet: tiered compilation recompiles hot methods with what it
    /// learnt for tens of seconds, and a scenario measured meanwhile counts the JIT's CPU as Relay's. Quiet means the
    /// JIT took under 2 % of two rounds in a row; at most 40 rounds. On this machine the timeline took 33 rounds (about
    /// 35 s) and ran 2,200 triggers/s in the first, 14,000 once the JIT was quiet.
    /// </summary>
    private static async Task WarmUpAsync(string what, Func<Task> round)
    {
        var quiet = 0;
        for (var i = 1; i <= 40; i++)
        {
            var (jit, methods) = (JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount());
            var clock = Stopwatch.StartNew();
            await round();
            var share = (JitInfo.GetCompilationTime() - jit) / clock.Elapsed;
            Console.WriteLine($"warm-up {what}, round {i}: JIT {share:P1} of {clock.Elapsed.TotalSeconds:0.0} s, {JitInfo.GetCompiledMethodCount() - methods} methods compiled");
            quiet = share < 0.02 ? quiet + 1 : 0;
            if (quiet == 2)
            {
                return;
            }
        }
    }

    private readonly record struct ProcessCost(TimeSpan Cpu, long Allocated, TimeSpan Jit)
    {
        public static ProcessCost Now() => new(LoadDriver.Cpu(), GC.GetTotalAllocatedBytes(), JitInfo.GetCompilationTime());

        /// <summary>
        /// Adds "process CPU per <paramref name="unit"/>", "allocated per <paramref name="unit"/>" and the time the JIT
        /// spent compiling since this moment.
        /// </summary>
        public void AddPer(List<(string, string, double, string)> report, string scenario, int count, string unit)
        {
            var now = Now();
            report.Add((scenario, $"process CPU per {unit}", (now.Cpu - Cpu).TotalMicroseconds / count, "µs"));
            report.Add((scenario, $"allocated per {unit}", (now.Allocated - Allocated) / 1024.0 / count, "KB"));
            report.Add((scenario, "JIT compiling", (now.Jit - Jit).TotalMilliseconds, "ms"));
        }
    }

    private static (int, int, int, TimeSpan) GcCounts() => (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    private static void AddGc(List<(string, string, double, string)> report, string scenario, (int G0, int G1, int G2, TimeSpan Paused) before)
    {
        report.Add((scenario, "GC gen0/gen1/gen2", GC.CollectionCount(0) - before.G0, $"gen1 {GC.CollectionCount(1) - before.G1}, gen2 {GC.CollectionCount(2) - before.G2}"));
        report.Add((scenario, "GC pauses", (GC.GetTotalPauseDuration() - before.Paused).TotalMilliseconds, "ms"));
    }

    private static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static void Write(LoadOptions o, List<(string Scenario, string Metric, double Value, string Unit)> report)
    {
        Directory.CreateDirectory(o.Out);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC";
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Relay load run {stamp} UTC").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}. Options: {o}.").AppendLine();
        md.AppendLine("| scenario | metric | value | unit |").AppendLine("|---|---|---:|---|");
        var csv = new StringBuilder("scenario,metric,value,unit\n");
        foreach (var (scenario, metric, value, unit) in report)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {scenario} | {metric} | {value:0.##} | {unit} |");
            csv.AppendLine(CultureInfo.InvariantCulture, $"\"{scenario}\",\"{metric}\",{value.ToString("0.###", CultureInfo.InvariantCulture)},\"{unit}\"");
        }

        File.WriteAllText(Path.Combine(o.Out, $"load-{stamp}.md"), md.ToString());
        File.WriteAllText(Path.Combine(o.Out, $"load-{stamp}.csv"), csv.ToString());
        Console.WriteLine(md.ToString());
    }

    /// <summary>Counts Relay's counters and keeps every lag the pipeline records, in this process.</summary>
    private sealed class RelayMeters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
        private ConcurrentQueue<double> _lags = new();

        public RelayMeters()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RelayMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                _counts.AddOrUpdate(instrument.Name, value, (_, n) => n + value);
                foreach (var tag in tags)
                {
                    _counts.AddOrUpdate($"{instrument.Name}|{tag.Key}={tag.Value}", value, (_, n) => n + value);
                }
            });
            _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
            {
                if (instrument.Name == "relay.trigger.lag")
                {
                    _lags.Enqueue(value);
                }
            });
            _listener.Start();
        }

        public long Count(string instrument) => _counts.GetValueOrDefault(instrument);

        public long Count(string instrument, string tag, string value) => _counts.GetValueOrDefault($"{instrument}|{tag}={value}");

        public IReadOnlyList<double> Lags() => [.. _lags];

        public void ClearLags() => _lags = new ConcurrentQueue<double>();

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>The load driver's options.</summary>
public sealed record LoadOptions(int Triggers, int Contacts, int CrmTriggers, int CrmContacts, int CrmLatencyMs, int MemoryContacts, string Out, string Scenarios = "timeline,crm,pipeline,bare,port,memory", int DistinctContacts = 1_000_000)
{
    /// <summary>Whether <paramref name="scenario"/> is among the scenarios asked for.</summary>
    public bool Runs(string scenario) => Scenarios.Split(',', StringSplitOptions.TrimEntries).Contains(scenario, StringComparer.Ordinal);

    /// <summary>Reads <c>--name value</c> pairs; unknown names are refused.</summary>
    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Int(string name, int fallback) => values.Remove(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new LoadOptions(
            Int("triggers", 20_000), Int("contacts", 2_000), Int("crm-triggers", 4_000), Int("crm-contacts", 400),
            Int("crm-latency-ms", 0), Int("memory-contacts", 20_000), values.Remove("out", out var o) ? o : Path.Combine("bench", "results"),
            values.Remove("scenarios", out var s) ? s : "timeline,crm,pipeline,bare,port,memory",
            Int("distinct-contacts", 1_000_000));
        return values.Count == 0 ? options : throw new ArgumentException($"Unknown options: {string.Join(", ", values.Keys)}");
    }
}
