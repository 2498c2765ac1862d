using Microsoft.AspNetCore.Mvc;
using Relay.Contacts;
using Relay.DeadLetters;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenant;

/// <summary>
/// Parked actions and dead letters of a tenant, grouped by error type with a list per type; every replay and discard
/// goes through a confirmation page (<see cref="OperationsConfirmModel"/>) first.
/// </summary>
public sealed class OperationsModel : TenantConsolePageModel
{
    /// <summary>Rows per list page.</summary>
    public const int PageSize = 50;

    /// <summary>The error type whose parked actions are listed; all when empty.</summary>
    [FromQuery(Name = "parked")]
    public string? ParkedType { get; set; }

    /// <summary>The page of the parked actions' list, from 1.</summary>
    [FromQuery(Name = "parkedPage")]
    public int ParkedPage { get; set; } = 1;

    /// <summary>The error type whose dead letters are listed; all when empty.</summary>
    [FromQuery(Name = "letters")]
    public string? LetterType { get; set; }

    /// <summary>The page of the dead letters' list, from 1.</summary>
    [FromQuery(Name = "lettersPage")]
    public int LettersPage { get; set; } = 1;

    /// <summary>The parked actions by error type, and the listed page.</summary>
    public ParkedReport Parked { get; private set; } = new(0, [], []);

    /// <summary>The dead letters' listed page, with counts by error type.</summary>
    public DeadLetterPage Letters { get; private set; } = new(0, ImmutableDictionary<string, int>.Empty, []);

    /// <summary>The dead letters by error type, most first, each with an example reason.</summary>
    public IReadOnlyList<LetterGroup> LetterGroups { get; private set; } = [];

    public async Task OnGetAsync()
    {
        ParkedType = string.IsNullOrWhiteSpace(ParkedType) ? null : ParkedType;
        LetterType = string.IsNullOrWhiteSpace(LetterType) ? null : LetterType;
        ParkedPage = Paging.PageNumber(ParkedPage, PageSize);
        LettersPage = Paging.PageNumber(LettersPage, PageSize);
        Parked = await Grains.GetGrain<IParkedIndexGrain>(Tenant).GetAsync(ParkedType, (ParkedPage - 1) * PageSize, PageSize);
        var letters = Grains.GetGrain<IDeadLetterGrain>(Tenant);
        Letters = await letters.GetAsync(LetterType, (LettersPage - 1) * PageSize, PageSize);
        LetterGroups = await Task.WhenAll(Letters.ByErrorType.OrderByDescending(g => g.Value).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(async g => new LetterGroup(g.Key, g.Value, (await letters.GetAsync(g.Key, 0, 1)).Items.FirstOrDefault()?.Reason)));
    }

    /// <summary>This page with other list filters or pages.</summary>
    public string Here(string? parked, int parkedPage, string? letters, int lettersPage)
    {
        var query = new List<string>();
        Add("parked", parked);
        Add("parkedPage", parkedPage > 1 ? parkedPage.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        Add("letters", letters);
        Add("lettersPage", lettersPage > 1 ? lettersPage.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        return $"/admin/tenants/{Uri.EscapeDataString(Tenant)}/operations{(query.Count > 0 ? "?" + string.Join('&', query) : "")}";

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
    }

    /// <summary>The confirmation page of <paramref name="operation"/>.</summary>
    public string Confirm(Operation operation) => operation.ConfirmUrl(Tenant);
}

/// <summary>How many dead letters have one error type, and the reason of one of them.</summary>
public sealed record LetterGroup(string ErrorType, int Count, string? Example);
