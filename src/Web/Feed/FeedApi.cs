using System.Globalization;
using System.Security.Claims;
using Relay.Feed;
using Relay.Feed.Webhooks;
using Relay.Web.Admin;

namespace Relay.Web.Feed;

/// <summary>
/// The tenant's event feed: <c>GET /api/tenants/{tenant}/events?after={cursor}&amp;take=</c> (the <c>read</c> scope), and the
/// webhook's delivery state and replay under <c>/api/admin/tenants/{tenant}/webhook</c> (the <c>admin</c> scope).
/// </summary>
public static class FeedApi
{
    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultTake = 100;

    /// <summary>Maps the feed and webhook endpoints.</summary>
    public static IEndpointRouteBuilder MapFeedApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants/{tenant}/events", GetEventsAsync).WithName("GetEvents").RequireAuthorization(RelayPolicies.Read);
        var admin = app.MapAdminGroup();
        admin.MapGet("/tenants/{tenant}/webhook", GetWebhookAsync);
        admin.MapPost("/tenants/{tenant}/webhook/replay", ReplayFromAsync);
        admin.MapPost("/tenants/{tenant}/webhook/events/{seq}/replay", ReplayEventAsync);
        return app;
    }

    private static async Task<Results<Ok<FeedResponse>, ProblemHttpResult>> GetEventsAsync(string tenant, IGrainFactory grains, string? after = null, string? take = null)
    {
        if (!TryNumber(after, 0, long.MaxValue, 0, out var cursor))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid cursor", "after: must be a whole number of 0 or more: the 'next' of the previous page, or 0 for the start.");
        }

        if (!TryNumber(take, 1, EventFeedGrain.MaxTake, DefaultTake, out var size))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid page size", $"take: must be a whole number from 1 to {EventFeedGrain.MaxTake}.");
        }

        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        // A cursor past the newest event would be echoed back and silently skip every event up to it when they come.
        var feed = grains.GetGrain<IEventFeedGrain>(tenant);
        var last = (await feed.GetHeadAsync()).Last;
        if (cursor > last)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid cursor", $"after: beyond the feed's newest event, {last}; send the 'next' of a page this feed gave, or 0 for the start.");
        }

        var page = await feed.ReadAsync(cursor, (int)size);
        return TypedResults.Ok(new FeedResponse([.. page.Entries.Select(FeedEventMessage.Of)], page.Next, page.Oldest));
    }

    private static Task<Results<Ok<WebhookStatus>, ProblemHttpResult>> GetWebhookAsync(string tenant, IGrainFactory grains) =>
        AdminApi.ForTenantAsync(grains, tenant, () => grains.GetGrain<IWebhookGrain>(tenant).GetStatusAsync());

    private static async Task<Results<Ok<WebhookStatus>, ProblemHttpResult>> ReplayFromAsync(string tenant, IGrainFactory grains, ClaimsPrincipal user, string? after = null)
    {
        if (!TryNumber(after, 0, long.MaxValue, -1, out var cursor) || cursor < 0)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid cursor", "after: required: deliver again every event after this sequence (0 for the whole feed kept).");
        }

        return await ChangeAsync(grains, tenant, user, w => w.ReplayFromAsync(cursor), "replay-from", $"Delivering every event after {cursor} again");
    }

    private static async Task<Results<Ok<WebhookStatus>, ProblemHttpResult>> ReplayEventAsync(string tenant, string seq, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (!TryNumber(seq, 1, long.MaxValue, -1, out var number))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid sequence", "seq: must be an event's sequence number (1 or more).");
        }

        return await ChangeAsync(grains, tenant, user, w => w.ReplayEventAsync(number), "replay-event", $"Delivering event {number} again");
    }

    private static async Task<Results<Ok<WebhookStatus>, ProblemHttpResult>> ChangeAsync(
        IGrainFactory grains, string tenant, ClaimsPrincipal user, Func<IWebhookGrain, Task<string?>> change, string action, string done)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        var webhook = grains.GetGrain<IWebhookGrain>(tenant);
        if (await change(webhook) is { } problem)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Nothing to replay", problem);
        }

        // Recorded like the console's replays: who asked to deliver what again.
        await grains.GetGrain<Relay.Admin.IAdminLogGrain>(tenant).RecordAsync(new Relay.Admin.AdminChange(Relay.Admin.AdminAreas.Tenant, "webhook", action, Console.ConsoleUser.Who(user), Detail: done));
        return TypedResults.Ok(await webhook.GetStatusAsync());
    }

    /// <summary>A whole number within bounds, <paramref name="fallback"/> when not given; false when given but not one.</summary>
    internal static bool TryNumber(string? text, long min, long max, long fallback, out long value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}

/// <summary>A page of the feed: events oldest first, the cursor to ask <c>after</c> next, and the oldest sequence still kept.</summary>
public sealed record FeedResponse(ImmutableArray<FeedEventMessage> Events, long Next, long Oldest);
