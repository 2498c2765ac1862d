using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;
using Relay;
using Relay.Crm.NetServer;
using Relay.Hosting;
using Relay.Imports;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;

// Import throughput: a selection of N members in the NetServer emulator (over real HTTP/SOAP), imported by an
// ImportJobGrain on one local silo with the embedded providers, exactly as the embedded default runs it.
// Usage: dotnet run -c Release --project bench/Relay.ImportBench -- [members=100000] [pageSize=1000] [runs=3]
var members = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var pageSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;

await using var emulator = await EmulatorHost.StartAsync();
var selectionId = Seed(emulator.Store, members);

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(FreePort(), FreePort());
    silo.AddRelayProviders();
    silo.Services.AddRelayKeyRing(new RelayHostOptions());
    silo.Services.AddSingleton(new Relay.Crm.CrmAddressPolicy([emulator.BaseUrl.Authority]));
    silo.Services.AddNetServerCrm();
    silo.Services.AddRelayCrmPipeline();
});
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();
var crm = new TenantCrmSettings(emulator.BaseUrl.ToString().TrimEnd('/'), "75", DemoSeed.UserName, DemoSeed.Password);
await grains.GetGrain<ITenantGrain>("bench").PutSettingsAsync(new TenantSettings("Import bench", crm));

Console.WriteLine($"Importing a {members:N0}-member selection, page size {pageSize}, {Environment.ProcessorCount} cores, {runs} run(s)");
var rates = new List<double>();
for (var run = 1; run <= runs; run++)
{
    var job = grains.GetGrain<IImportJobGrain>(ImportKeys.Job("bench", $"run-{run}-{Guid.NewGuid():N}"));
    var clock = Stopwatch.StartNew();
    await job.StartAsync(new ImportRequest(ImportSourceKind.Selection, selectionId, pageSize));
    ImportProgress progress;
    while ((progress = (await job.GetProgressAsync())!).Status == ImportStatus.Running)
    {
        await Task.Delay(20);
    }

    clock.Stop();
    var rate = progress.Read / clock.Elapsed.TotalSeconds;
    rates.Add(rate);
    Console.WriteLine($"run {run}: {progress.Status}, {progress.Read:N0} read ({progress.Addressable:N0} addressable, {progress.WithoutEmail:N0} without e-mail, {progress.Duplicates:N0} duplicates) in {clock.Elapsed.TotalSeconds:0.00} s = {rate:N0} persons/s");
}

Console.WriteLine($"median: {rates.Order().ElementAt(rates.Count / 2):N0} persons/s");
await host.StopAsync();

static int Seed(EmulatorStore store, int size)
{
    var companies = store.Read(s => s.Companies.Keys.Order().ToList());
    var persons = new List<PersonRecord>(size);
    for (var i = 0; i < size; i++)
    {
        var person = store.AddPerson($"First{i}", $"Last{i}", i % 50 == 0 ? null : $"bench.{i}@import.example", companies[i % companies.Count]);
        store.Write(_ =>
        {
            person.Title = "Buyer";
            person.OfficePhone = $"+46 8 {i:D6}";
            person.MobilePhone = $"+46 70 {i:D6}";
        });
        persons.Add(person);
    }

    var selection = store.AddSelection("Bench");
    store.AddSelectionMembers(selection.SelectionId, persons);
    return selection.SelectionId;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
