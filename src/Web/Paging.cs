namespace Relay.Web;

/// <summary>
/// The one rule for paging parameters on every endpoint and panel: out-of-range values are clamped, never rejected,
/// so a page is always answered and no offset arithmetic can overflow.
/// </summary>
public static class Paging
{
    /// <summary>The largest offset honoured; with any page size it keeps <c>skip + take</c> far below <see cref="int.MaxValue"/>.</summary>
    public const int MaxSkip = 1_000_000;

    /// <summary>An offset (<c>skip</c>, or a page index from 0) within 0…<see cref="MaxSkip"/>.</summary>
    public static int Skip(int skip) => Math.Clamp(skip, 0, MaxSkip);

    /// <summary>A page size within 0…<paramref name="max"/>, the endpoint's largest page.</summary>
    public static int Take(int take, int max) => Math.Clamp(take, 0, max);

    /// <summary>A <c>since</c> cursor: below 0 means from the start.</summary>
    public static long Since(long since) => Math.Max(0, since);

    /// <summary>A panel's page number, from 1, no further than <see cref="MaxSkip"/> items in.</summary>
    public static int PageNumber(int page, int pageSize) => Math.Clamp(page, 1, (MaxSkip / pageSize) + 1);
}
