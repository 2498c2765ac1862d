using System.Diagnostics;
using Orleans.Runtime;
using Relay.Imports;
using Relay.Tenants;
using Relay.NetServerEmulator.Faults;
using Xunit.Abstractions;

namespace Relay.Tests.Imports;

/// <summary>Import jobs against the emulator through the SOAP adapter, in a two-silo cluster with durable storage.</summary>
[Collection(ImportClusterCollection.Name)]
public sealed class SelectionImportTests(ImportClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task A_100000_member_selection_imports_with_the_right_count_and_fields()
    {
        var tenant = await fixture.CreateTenantAsync();
        var clock = Stopwatch.StartNew();
        var done = await RunAsync(tenant, new ImportRequest(ImportSourceKind.Selection, fixture.BigSelectionId, 1000));
        clock.Stop();
        output.WriteLine($"Imported {done.Read:N0} members in {clock.Elapsed.TotalSeconds:0.0} s: {done.Read / clock.Elapsed.TotalSeconds:N0} persons/s");

        const int size = ImportClusterFixture.BigSelectionSize;
        done.Status.ShouldBe(ImportStatus.Completed);
        done.Read.ShouldBe(size);
        done.Total.ShouldBe(size);
        done.PagesDone.ShouldBe((size / 1000) + 1, "a full last page is followed by an empty one, which is how the end is known");
        done.WithoutEmail.ShouldBe(size / 50);
        done.Duplicates.ShouldBe(size / 100);
        done.Addressable.ShouldBe(size - (size / 50) - (size / 100));

        var rows = await ReadAllAsync(tenant, done);
        rows.Count.ShouldBe(size);
        rows.Select(r => r.PersonId).Distinct().Count().ShouldBe(size);
        var (expected, company) = fixture.Emulator.Store.Read(s =>
        {
            var p = s.Persons[rows[12_345].PersonId];
            var c = s.Companies[p.CompanyId];
            return (p, (c.Name, Country: s.Countries.First(x => x.Id == c.CountryId).Name, Category: s.Categories.First(x => x.Id == c.CategoryId).Name, Industry: s.Businesses.First(x => x.Id == c.BusinessId).Name));
        });
        rows[12_345].ShouldBe(new ImportRow(
            ImportRowKind.Addressable, expected.PersonId, expected.FirstName, expected.LastName, expected.Emails[0], expected.OfficePhone, expected.MobilePhone, expected.Title,
            expected.CompanyId, company.Name, company.Country, company.Category, company.Industry));

        // Member 107 repeats member 106's address in capitals: a duplicate of it, not a second addressee.
        rows[107].Kind.ShouldBe(ImportRowKind.Duplicate);
        rows[107].DuplicateOf.ShouldBe(rows[106].PersonId);
        rows[100].Kind.ShouldBe(ImportRowKind.WithoutEmail);
    }

    [Fact]
    public async Task A_silo_killed_mid_import_resumes_from_its_last_page_without_duplicates_or_gaps()
    {
        var tenant = await fixture.CreateTenantAsync();
        var jobId = Build.Id("imp");
        var job = fixture.Client.GetGrain<IImportJobGrain>(ImportKeys.Job(tenant, jobId));

        // Slow pages down so the kill lands mid-import; the emulator answers every page 40 ms late.
        var slow = new FaultRule { Operation = "Archive.GetArchiveListByColumns", Kind = FaultKind.Latency, LatencyMs = 40 };
        fixture.Emulator.Faults.Add(slow);
        try
        {
            await job.StartAsync(new ImportRequest(ImportSourceKind.Selection, fixture.KillSelectionId, 250));
            await Eventually.GetAsync(job.GetProgressAsync, p => p!.PagesDone >= 10, "10 pages to be imported before the kill");

            var management = fixture.Client.GetGrain<IManagementGrain>(0);
            var host = (await management.GetActivationAddress(job)).ShouldNotBeNull();
            var victim = fixture.Cluster.Silos.Single(s => s.SiloAddress.Equals(host));
            var before = (await job.GetProgressAsync())!.PagesDone;
            await fixture.Cluster.KillSiloAsync(victim);
            output.WriteLine($"Killed silo {host} (primary: {victim == fixture.Cluster.Silos.FirstOrDefault()}) after {before} pages");
        }
        finally
        {
            fixture.Emulator.Faults.Clear();
        }

        // Reading the progress activates the job on a surviving silo, which continues from its persisted cursor.
        var done = await Eventually.GetAsync(job.GetProgressAsync, p => p!.Status != ImportStatus.Running, "the import to finish after the kill", ImportTimeout);
        done!.Status.ShouldBe(ImportStatus.Completed);
        done.Read.ShouldBe(ImportClusterFixture.KillSelectionSize);

        var rows = await ReadAllAsync(tenant, done);
        var members = fixture.Emulator.Store.Read(s => s.Selections[fixture.KillSelectionId].Members.Select(m => m.PersonId).ToList());
        rows.Select(r => r.PersonId).ShouldBe(members);
        rows.Count(r => r.Kind == ImportRowKind.Addressable).ShouldBe(done.Addressable);
        done.Addressable.ShouldBe(ImportClusterFixture.KillSelectionSize - (ImportClusterFixture.KillSelectionSize / 50) - (ImportClusterFixture.KillSelectionSize / 100));
    }

    [Fact]
    public async Task A_dynamic_selection_and_a_project_import_their_computed_members()
    {
        var tenant = await fixture.CreateTenantAsync();
        // A dynamic selection of its own: persons of companies in a category only this test uses.
        var store = fixture.Emulator.Store;
        var category = Random.Shared.Next(10_000, 1_000_000);
        var company = store.AddCompany("Dynamic Test AB " + category);
        store.Write(s =>
        {
            s.Categories.Add(new Relay.NetServerEmulator.Data.ListItem(category, "Dynamic test " + category));
            company.CategoryId = category;
        });
        var expectedDynamic = Enumerable.Range(0, 25).Select(i => store.AddPerson("Dyn", $"Member{i}", $"dyn{i}.{category}@example.com", company.CompanyId).PersonId).ToList();
        var dynamic = store.AddSelection("Dynamic " + category, "Dynamic");
        store.Write(_ => dynamic.DynamicCategoryId = category);
        var dynamicId = dynamic.SelectionId;
        var (projectId, expectedProject) = store.Read(s =>
        {
            var project = s.Projects.Values.OrderBy(p => p.ProjectId).First();
            return (project.ProjectId, project.Members.Select(m => m.PersonId).ToList());
        });

        var fromSelection = await RunAsync(tenant, new ImportRequest(ImportSourceKind.Selection, dynamicId, 10));
        (await ReadAllAsync(tenant, fromSelection)).Select(r => r.PersonId).ShouldBe(expectedDynamic);

        var fromProject = await RunAsync(tenant, new ImportRequest(ImportSourceKind.Project, projectId, 7));
        (await ReadAllAsync(tenant, fromProject)).Select(r => r.PersonId).ShouldBe(expectedProject);
    }

    [Fact]
    public async Task An_import_whose_tenant_cannot_be_reached_for_a_moment_carries_on_within_seconds()
    {
        var tenant = await fixture.CreateTenantAsync();
        var (projectId, expected) = fixture.Emulator.Store.Read(s =>
        {
            var project = s.Projects.Values.OrderBy(p => p.ProjectId).First();
            return (project.ProjectId, project.Members.Select(m => m.PersonId).ToList());
        });
        var job = fixture.Client.GetGrain<IImportJobGrain>(ImportKeys.Job(tenant, Build.Id("imp")));
        fixture.Faults.FailCall(job.GetGrainId(), nameof(ITenantGrain.GetConfigAsync), callNumber: 1);

        await job.StartAsync(new ImportRequest(ImportSourceKind.Project, projectId, 7));

        // The keep-alive reminder does not restart a pump whose tick failed; the pump's own backoff (about 2 s) must.
        var done = (await Eventually.GetAsync(job.GetProgressAsync, p => p!.Status != ImportStatus.Running, "the import to carry on", TimeSpan.FromSeconds(30)))!;
        done.Status.ShouldBe(ImportStatus.Completed);
        (await ReadAllAsync(tenant, done)).Select(r => r.PersonId).ShouldBe(expected);
        fixture.Faults.Calls(job.GetGrainId(), nameof(ITenantGrain.GetConfigAsync)).ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task An_unknown_selection_imports_nothing_and_a_cancelled_job_stops_where_it_was()
    {
        var tenant = await fixture.CreateTenantAsync();
        var failed = await RunAsync(tenant, new ImportRequest(ImportSourceKind.Selection, 987_654, 100));
        failed.Read.ShouldBe(0);
        failed.Status.ShouldBe(ImportStatus.Completed, "an unknown selection has no members in the archive");

        var job = fixture.Client.GetGrain<IImportJobGrain>(ImportKeys.Job(tenant, Build.Id("imp")));
        fixture.Emulator.Faults.Add(new FaultRule { Operation = "Archive.GetArchiveListByColumns", Kind = FaultKind.Latency, LatencyMs = 40 });
        try
        {
            await job.StartAsync(new ImportRequest(ImportSourceKind.Selection, fixture.KillSelectionId, 100));
            await Eventually.GetAsync(job.GetProgressAsync, p => p!.PagesDone >= 2, "2 pages before the cancel");
            var cancelled = await job.CancelAsync();
            cancelled!.Status.ShouldBe(ImportStatus.Cancelled);
            var pages = cancelled.PagesDone;
            (await job.StartAsync(new ImportRequest(ImportSourceKind.Selection, 1, 1))).Status.ShouldBe(ImportStatus.Cancelled, "starting a job again changes nothing");
            (await job.GetProgressAsync())!.PagesDone.ShouldBe(pages);
        }
        finally
        {
            fixture.Emulator.Faults.Clear();
        }
    }

    private async Task<ImportProgress> RunAsync(string tenant, ImportRequest request)
    {
        var job = fixture.Client.GetGrain<IImportJobGrain>(ImportKeys.Job(tenant, Build.Id("imp")));
        await job.StartAsync(request);
        return (await Eventually.GetAsync(job.GetProgressAsync, p => p!.Status != ImportStatus.Running, $"import of {request.Source} {request.SourceId} to finish", ImportTimeout))!;
    }

    private async Task<List<ImportRow>> ReadAllAsync(string tenant, ImportProgress progress)
    {
        var rows = new List<ImportRow>();
        for (var page = 0; page < progress.PagesDone; page++)
        {
            var stored = await fixture.Client.GetGrain<IImportPageGrain>(ImportKeys.Page(tenant, progress.JobId, page)).GetAsync();
            rows.AddRange(stored.ShouldNotBeNull().Rows);
        }

        return rows;
    }
}
