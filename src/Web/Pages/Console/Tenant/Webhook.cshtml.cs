using Microsoft.AspNetCore.Mvc;
using Relay.Admin;
using Relay.Feed.Webhooks;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenant;

/// <summary>
/// The tenant's webhook: where delivery stands (cursor, failures, next attempt, suspension), the newest delivery attempts,
/// and replay from a cursor or of one event; each replay is recorded in the tenant's admin log.
/// </summary>
public sealed class WebhookModel : TenantConsolePageModel
{
    /// <summary>Where delivery stands, with the log.</summary>
    public WebhookStatus Status { get; private set; } = null!;

    /// <summary>Why a replay was refused, if it was.</summary>
    public string? Problem { get; private set; }

    public async Task OnGetAsync() => Status = await Webhook.GetStatusAsync();

    public Task<IActionResult> OnPostReplayFromAsync(long? after) =>
        ReplayAsync(after, "after", w => w.ReplayFromAsync(after!.Value), $"Delivering every event after {after} again", "replay-from");

    public Task<IActionResult> OnPostReplayEventAsync(long? seq) =>
        ReplayAsync(seq, "seq", w => w.ReplayEventAsync(seq!.Value), $"Delivering event {seq} again", "replay-event");

    private IWebhookGrain Webhook => Grains.GetGrain<IWebhookGrain>(Tenant);

    private async Task<IActionResult> ReplayAsync(long? value, string field, Func<IWebhookGrain, Task<string?>> replay, string done, string action)
    {
        Problem = value is null || FormErrors().Count > 0 ? $"{field}: enter a sequence number" : await replay(Webhook);
        if (Problem is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Status = await Webhook.GetStatusAsync();
            return Page();
        }

        await RecordAsync(AdminAreas.Tenant, "webhook", action, detail: done);
        return DoneHere("webhook", done);
    }
}
