using Relay.Imports;
using Relay.Web.Console;
using Relay.Web.Imports;

namespace Relay.Web.Pages.Console.Tenant;

/// <summary>The tenant's running and finished import jobs with their progress; the page refreshes itself while one runs.</summary>
public sealed class ImportsModel : TenantConsolePageModel
{
    /// <summary>How many jobs the page lists, newest first.</summary>
    public const int MaxJobs = 100;

    /// <summary>Seconds between refreshes while a job runs.</summary>
    public const int RefreshSeconds = 5;

    /// <summary>The jobs.</summary>
    public IReadOnlyList<ImportProgress> Jobs { get; private set; } = [];

    /// <summary>Whether a job is running, so the page refreshes itself.</summary>
    public bool Running => Jobs.Any(j => j.Status == ImportStatus.Running);

    public async Task OnGetAsync() => Jobs = await ImportsApi.ListJobsAsync(Grains, Tenant, MaxJobs);
}
