using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Relay.DryRun;
using Relay.Web.Admin;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenant;

/// <summary>"What would this do?": a trigger, or one from a contact's timeline, dry-run against the tenant's automations.</summary>
public sealed class DryRunModel(TimeProvider time) : TenantConsolePageModel
{
    /// <summary>The trigger to dry-run, contract v1.</summary>
    [BindProperty]
    public string? TriggerJson { get; set; }

    /// <summary>The contact whose timeline holds the trigger.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ContactId { get; set; }

    /// <summary>The trigger on that contact's timeline.</summary>
    [BindProperty(SupportsGet = true)]
    public string? TriggerId { get; set; }

    /// <summary>What the dry run found; null before one ran.</summary>
    public DryRunReport? Report { get; private set; }

    /// <summary>Why the dry run did not run, in words.</summary>
    public string? Problem { get; private set; }

    /// <summary>A reason per bad field.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public void OnGet() => TriggerJson = Example(time.GetUtcNow());

    public async Task<IActionResult> OnPostTriggerAsync(CancellationToken cancellationToken)
    {
        var input = TriggerJson is { Length: > DryRunApi.MaxBodyBytes }
            ? (null, new() { ["trigger"] = [$"too long: a dry run takes one trigger, at most {DryRunApi.MaxBodyBytes} characters"] })
            : Read(TriggerJson ?? "");
        return await RunAsync(input, cancellationToken);
    }

    public async Task<IActionResult> OnPostTimelineAsync(CancellationToken cancellationToken)
    {
        TriggerJson = Example(time.GetUtcNow());
        return await RunAsync(DryRunInput.Timeline(ContactId, TriggerId), cancellationToken);
    }

    private async Task<IActionResult> RunAsync((DryRunRequest? Request, Dictionary<string, string[]> Errors) input, CancellationToken cancellationToken)
    {
        if (input.Request is null)
        {
            Problem = "Nothing was run: fix the fields below and try again.";
            Errors = input.Errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var answer = await DryRunApi.RunAsync(Grains, Tenant, input.Request, cancellationToken);
        if (answer.Report is null)
        {
            Problem = answer.Detail;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        Report = answer.Report;
        return Page();
    }

    /// <summary>An example trigger: a click on the pricing page in the November newsletter.</summary>
    public static string Example(DateTimeOffset now) => JsonSerializer.Serialize(
        new
        {
            id = "dry-run-" + now.ToUnixTimeSeconds(),
            type = "email.clicked",
            occurredAt = now.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            contact = new { id = "c-10293", email = "ann.berg@example.com", firstName = "Ann", lastName = "Berg" },
            content = new { id = "mail-2026-11", name = "November newsletter" },
            link = new { url = "https://example.com/pricing" },
        },
        Indented);

    /// <summary>How a write's status reads.</summary>
    public static (string Text, string Tag) Status(DryRunWriteStatus status) => status switch
    {
        DryRunWriteStatus.WouldWrite => ("would be written", "tag-good"),
        DryRunWriteStatus.WaitsAsLead => ("waits for sales to approve or link the lead", "tag-warn"),
        DryRunWriteStatus.WaitsForPerson => ("waits until SuperOffice can be asked", "tag-warn"),
        DryRunWriteStatus.Coalesced => ("not queued: the same automation already waits", ""),
        DryRunWriteStatus.NotQueued => ("not queued", "tag-bad"),
        _ => ("not sent: a later trigger already decided it", ""),
    };

    /// <summary>How an automation's verdict reads.</summary>
    public static (string Text, string Tag) Verdict(Relay.Automations.AutomationVerdictKind kind) => kind switch
    {
        Relay.Automations.AutomationVerdictKind.Matched => ("matches", "tag-good"),
        Relay.Automations.AutomationVerdictKind.NotMatched => ("does not match", ""),
        Relay.Automations.AutomationVerdictKind.Disabled => ("skipped: disabled", "tag-warn"),
        _ => ("skipped: already ran once", "tag-warn"),
    };

    /// <summary>An id with its name from SuperOffice's lists.</summary>
    public static string Named(NamedId? named) => named switch
    {
        null => "—",
        { Name: { } name } => $"{name} ({named.Id})",
        _ => $"{named.Id} (not in SuperOffice's list)",
    };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private (DryRunRequest? Request, Dictionary<string, string[]> Errors) Read(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return DryRunInput.Trigger(document.RootElement, time.GetUtcNow(), "");
        }
        catch (JsonException ex)
        {
            return (null, new() { ["trigger"] = [$"not valid JSON: {ex.Message}"] });
        }
    }
}
