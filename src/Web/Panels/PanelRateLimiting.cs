using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Relay.Web.Panels;

/// <summary>How many panel requests without a valid session are served, section <c>Relay:Panels:RateLimits</c>.</summary>
public sealed class PanelRateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay:Panels:RateLimits";

    /// <summary>Per client address (<c>Connection.RemoteIpAddress</c>, as the forwarded-headers set-up leaves it).</summary>
    public PanelTokenBucket PerClientAddress { get; set; } = new() { Burst = 60, PerMinute = 60 };

    /// <summary>Per tenant, whatever the address: what a distributed flood can cost one tenant.</summary>
    public PanelTokenBucket PerTenant { get; set; } = new() { Burst = 600, PerMinute = 600 };
}

/// <summary>A token bucket: <see cref="Burst"/> requests at once, refilled at <see cref="PerMinute"/>.</summary>
public sealed class PanelTokenBucket
{
    /// <summary>The most requests served at once.</summary>
    public int Burst { get; set; }

    /// <summary>How many requests a minute are served over time.</summary>
    public int PerMinute { get; set; }

    /// <summary>The limiter's options: one token every so often below 60 a minute, else a whole number every second.</summary>
    public TokenBucketRateLimiterOptions ToOptions() => new()
    {
        TokenLimit = Math.Max(1, Burst),
        TokensPerPeriod = PerMinute >= 60 ? PerMinute / 60 : 1,
        ReplenishmentPeriod = PerMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1) / Math.Max(1, PerMinute),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>
/// Rate-limits unverified panel requests — those that carry no valid session for their tenant, so each may cost a
/// ticket check — per client address and per tenant, with ASP.NET Core's rate limiting middleware: a refused request
/// gets a 429 page with <c>Retry-After</c>. A user with a session is never limited, so sales keep working during a flood.
/// </summary>
public static class PanelRateLimiting
{
    /// <summary>Registers the limits; another global limiter, if any, is chained with them.</summary>
    public static IServiceCollection AddPanelRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<PanelRateLimitOptions>().BindConfiguration(PanelRateLimitOptions.Section)
            .Validate(o => o.PerClientAddress.Burst > 0 && o.PerClientAddress.PerMinute > 0 && o.PerTenant.Burst > 0 && o.PerTenant.PerMinute > 0, $"{PanelRateLimitOptions.Section}: every Burst and PerMinute must be positive")
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<PanelRateLimitOptions>>((o, limits) =>
        {
            var panels = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(c => Partition(c, limits.Value.PerClientAddress, "address:" + c.Connection.RemoteIpAddress)),
                PartitionedRateLimiter.Create<HttpContext, string>(c => Partition(c, limits.Value.PerTenant, "tenant:" + TenantOf(c))));
            o.GlobalLimiter = o.GlobalLimiter is null ? panels : PartitionedRateLimiter.CreateChained(o.GlobalLimiter, panels);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>A <c>Retry-After</c> value in whole seconds, at least one.</summary>
    public static string RetryAfterSeconds(TimeSpan? wait) =>
        Math.Max(1, (int)Math.Ceiling((wait ?? TimeSpan.FromSeconds(1)).TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static RateLimitPartition<string> Partition(HttpContext context, PanelTokenBucket bucket, string key) =>
        IsUnverified(context) ? RateLimitPartition.GetTokenBucketLimiter(key, _ => bucket.ToOptions()) : RateLimitPartition.GetNoLimiter("verified");

    /// <summary>A panel request without a valid session cookie for the tenant in its path.</summary>
    private static bool IsUnverified(HttpContext context)
    {
        if (TenantOf(context) is not { } tenant)
        {
            return false;
        }

        var sessions = context.RequestServices.GetRequiredService<PanelSessions>();
        return sessions.Read(context.Request.Cookies[PanelSessions.CookieName(tenant)], tenant) is null;
    }

    private static string? TenantOf(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/panels", out var rest) && rest.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) is [var tenant, ..]
            ? tenant
            : null;

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        context.Response.Headers.RetryAfter = RetryAfterSeconds(rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        await PanelPages.WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", "Relay has had too many panel requests without a SuperOffice sign-in from here. Wait a moment, then open the panel again from SuperOffice.");
    }
}
