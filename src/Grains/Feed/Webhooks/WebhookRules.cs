using Relay.Crm;
using Relay.Tenants;

namespace Relay.Feed.Webhooks;

/// <summary>What a tenant's webhook settings must be: an https URL to a public host (or one the operator allows), like a NetServer address.</summary>
public static class WebhookRules
{
    /// <summary>The longest URL accepted.</summary>
    public const int MaxUrlLength = 2000;

    /// <summary>Adds the problems of <paramref name="webhook"/> (none when null) to <paramref name="errors"/>.</summary>
    public static void Validate(WebhookSettings? webhook, CrmAddressPolicy? addresses, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (webhook is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(webhook.Url) || webhook.Url.Length > MaxUrlLength)
        {
            errors.Add($"webhook.url: required, at most {MaxUrlLength} characters, e.g. https://hooks.example.com/relay");
        }
        else if (!Uri.TryCreate(webhook.Url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            errors.Add("webhook.url: must be an absolute https URL, e.g. https://hooks.example.com/relay");
        }
        else if ((addresses ?? new CrmAddressPolicy()).CheckShape(webhook.Url) is { } problem)
        {
            errors.Add(AsWebhookProblem(problem));
        }
    }

    /// <summary>An address policy's message, worded for the webhook URL.</summary>
    public static string AsWebhookProblem(string problem) =>
        (problem ?? "").Replace("crm.baseUrl:", "webhook.url:", StringComparison.Ordinal)
            .Replace("e.g. https://crm.example.com/SuperOffice or https://online.superoffice.com/Cust12345", "e.g. https://hooks.example.com/relay", StringComparison.Ordinal);
}
