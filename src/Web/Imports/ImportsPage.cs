using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Relay.Imports;
using Relay.Tenants;
using Relay.Web.Admin;

namespace Relay.Web.Imports;

/// <summary>
/// <c>GET /admin/tenants/{tenant}/imports</c>: the tenant's running and finished import jobs with a progress bar,
/// server-rendered, every string encoded; refreshes itself while a job runs. Behind the admin sign-in.
/// </summary>
public static class ImportsPage
{
    /// <summary>Maps the page.</summary>
    public static IEndpointRouteBuilder MapImportsPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/tenants/{tenant}/imports", RenderAsync).RequireAuthorization(RelayPolicies.AdminPages);
        return app;
    }

    private static async Task<ContentHttpResult> RenderAsync(string tenant, IGrainFactory grains)
    {
        var e = HtmlEncoder.Default;
        if (!TenantRules.IsValidTenantId(tenant) || await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync() is null)
        {
            return AdminSession.Page("Unknown tenant", $"<h1>Unknown tenant</h1><p>Relay has no tenant {e.Encode(tenant)}.</p>", StatusCodes.Status404NotFound);
        }

        var jobs = await ImportsApi.ListJobsAsync(grains, tenant, 100);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>Imports of {e.Encode(tenant)}</h1>");
        html.Append("<form class=\"inline\" method=\"post\" action=\"/admin/logout\"><button>Sign out</button></form>");
        if (jobs.Count == 0)
        {
            html.Append("<p>No imports yet. Start one with <code>POST /api/tenants/{tenant}/imports</code>.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>Job</th><th>Source</th><th>Status</th><th>Progress</th><th>Done / total</th><th>Addressable</th><th>Without e-mail</th><th>Duplicates</th><th>Started (UTC)</th><th>Finished (UTC)</th></tr></thead><tbody>");
            foreach (var j in jobs)
            {
                var total = j.Total?.ToString("N0", CultureInfo.InvariantCulture) ?? "?";
                html.Append(CultureInfo.InvariantCulture, $"""
                    <tr data-job="{e.Encode(j.JobId)}"><td>{e.Encode(j.JobId)}</td>
                    <td>{e.Encode(j.Request.Source.ToString())} {j.Request.SourceId}</td>
                    <td class="{(j.Status == ImportStatus.Failed ? "failed" : "")}">{e.Encode(j.Status.ToString())}{(j.Error is { } err ? ": " + e.Encode(err) : "")}</td>
                    <td><progress max="100" value="{j.Percent}">{j.Percent}%</progress> {j.Percent}%</td>
                    <td>{j.Read.ToString("N0", CultureInfo.InvariantCulture)} / {e.Encode(total)}</td>
                    <td>{j.Addressable.ToString("N0", CultureInfo.InvariantCulture)}</td><td>{j.WithoutEmail.ToString("N0", CultureInfo.InvariantCulture)}</td><td>{j.Duplicates.ToString("N0", CultureInfo.InvariantCulture)}</td>
                    <td>{j.StartedAt:yyyy-MM-dd HH:mm:ss}</td><td>{(j.FinishedAt is { } f ? f.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "")}</td></tr>
                    """);
            }

            html.Append("</tbody></table>");
        }

        return AdminSession.Page($"Imports of {tenant}", html.ToString(), refreshSeconds: jobs.Any(j => j.Status == ImportStatus.Running) ? 5 : null);
    }
}
