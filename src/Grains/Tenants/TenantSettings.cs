using System.Text.RegularExpressions;
using Relay.Crm;

namespace Relay.Tenants;

/// <summary>One tenant's settings: its SuperOffice connection and how leads are handled.</summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-settings")]
public sealed record TenantSettings(
    [property: Id(0)] string? DisplayName,
    [property: Id(1)] TenantCrmSettings Crm,
    [property: Id(2)] int? DefaultOwnerAssociateId = null,
    [property: Id(3)] bool CreateCompanyOnApprove = false,
    [property: Id(4)] int LeadExpiryDays = 60,
    [property: Id(5)] int LeadExpiryWarningDays = 7,
    [property: Id(6)] PanelSettings? Panels = null,
    [property: Id(7)] bool LookUpNewContacts = true,
    [property: Id(8)] int CrmCallsPerSecond = TenantSettings.DefaultCrmCallsPerSecond,
    [property: Id(9)] int MaxWaitingLeadActions = TenantSettings.DefaultMaxWaitingLeadActions,
    [property: Id(10)] LeadReportScope LeadReport = LeadReportScope.WaitingActions,
    [property: Id(11)] WebhookSettings? Webhook = null,
    [property: Id(12)] int? RetentionMonths = null)
{
    /// <summary>How many actions a lead may have waiting when the tenant does not say (and in settings stored before it could).</summary>
    public const int DefaultMaxWaitingLeadActions = 50;

    /// <summary>The highest <see cref="MaxWaitingLeadActions"/> a tenant may be given.</summary>
    public const int MaxMaxWaitingLeadActions = 1000;

    /// <summary>SuperOffice's published guidance: no more than 10 API calls per second.</summary>
    public const int DefaultCrmCallsPerSecond = 10;

    /// <summary>The highest rate a tenant may be given.</summary>
    public const int MaxCrmCallsPerSecond = 10_000;
}

/// <summary>Which contacts the Lead Report lists.</summary>
public enum LeadReportScope
{
    /// <summary>Contacts with actions waiting for sales (the default).</summary>
    WaitingActions = 0,

    /// <summary>Every contact that interacted and is not in SuperOffice.</summary>
    AllUnknown = 1,
}

/// <summary>
/// Where the tenant's feed events are pushed: each event POSTed to <see cref="Url"/>, signed with the tenant's signing
/// secrets (<c>Relay-Signature</c>, the scheme the ingest side accepts). The URL is checked like a NetServer address.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.webhook-settings")]
public sealed record WebhookSettings(
    [property: Id(0)] string Url,
    [property: Id(1)] bool Enabled = true);

/// <summary>
/// Who may see the SuperOffice panels of a tenant and where they may be embedded. Without these
/// settings the panels show nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.panel-settings")]
public sealed record PanelSettings(
    [property: Id(0)] string ContextIdentifier,
    [property: Id(1)] ImmutableArray<string> FrameAncestors,
    [property: Id(2)] ImmutableArray<int> LeadReportGroups,
    [property: Id(3)] ImmutableArray<int> TimelineGroups,
    [property: Id(4)] ImmutableArray<int> EventDetailsGroups,
    [property: Id(5)] int SessionMinutes = 20);

/// <summary>
/// How Relay reaches the tenant's NetServer. The password and application token are write-only through the API and
/// stored protected (<see cref="CrmSecrets"/>); the NetServer adapter reveals them when it signs in.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-crm-settings")]
public sealed record TenantCrmSettings(
    [property: Id(0)] string BaseUrl,
    [property: Id(1)] string ServicesVersion = "75",
    [property: Id(2)] string? UserName = null,
    [property: Id(3)] string? Password = null,
    [property: Id(4)] string? ApplicationToken = null,
    [property: Id(5)] EmailLookup EmailLookup = EmailLookup.FindAddress,
    [property: Id(6)] TenantOnlineSettings? Online = null,
    [property: Id(7)] CrmProtocol Protocol = CrmProtocol.Soap)
{
    /// <summary>The connection the CRM port takes.</summary>
    public CrmConnection ToConnection(string tenantId) =>
        new(tenantId, BaseUrl ?? string.Empty, ServicesVersion, UserName, Password, ApplicationToken, EmailLookup)
        {
            Online = Online is { } online ? new OnlineConnection(online.ContextIdentifier, online.Environment, online.SystemUserToken) : null,
            Protocol = Protocol,
        };
}

/// <summary>
/// A SuperOffice CRM Online tenant: its context identifier, the environment it lives in, and the system-user token
/// received when an administrator installed Relay (write-only through the API, stored protected). An Online tenant
/// has no user name or password; its NetServer address is resolved from <c>/api/state</c>, not configured.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-online-settings")]
public sealed record TenantOnlineSettings(
    [property: Id(0)] string ContextIdentifier,
    [property: Id(1)] string Environment = "online",
    [property: Id(2)] string? SystemUserToken = null);

/// <summary>A tenant as the contact grains see it: settings and automations, with a version that grows on every change.</summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-config")]
public sealed record TenantConfig(
    [property: Id(0)] string TenantId,
    [property: Id(1)] TenantSettings Settings,
    [property: Id(2)] ImmutableArray<Automation> Automations,
    [property: Id(3)] long Version)
{
    /// <summary>The tenant's CRM connection.</summary>
    public CrmConnection Connection => Settings.Crm.ToConnection(TenantId);
}

/// <summary>Rules for tenant ids and settings.</summary>
public static partial class TenantRules
{
    /// <summary>Whether the id is a valid tenant id: lowercase letters, digits and dashes, 2–63 characters.</summary>
    public static bool IsValidTenantId(string? tenantId) => tenantId is not null && TenantIdShape().IsMatch(tenantId);

    /// <summary>
    /// Every problem with the settings; none means they may be stored. The NetServer address follows
    /// <paramref name="addresses"/> (without one, only public https hosts); the grain also checks where its host resolves.
    /// </summary>
    public static IReadOnlyList<string> Validate(TenantSettings? settings, CrmAddressPolicy? addresses = null)
    {
        if (settings is null)
        {
            return ["settings: required"];
        }

        var errors = new List<string>();
        if (settings.DisplayName is { Length: > 200 })
        {
            errors.Add("displayName: longer than 200 characters");
        }

        if (settings.Crm is null)
        {
            errors.Add("crm: required");
        }
        else
        {
            if (settings.Crm.Online is { } online)
            {
                ValidateOnline(settings.Crm, online, errors);
            }
            else if ((addresses ?? new CrmAddressPolicy()).CheckShape(settings.Crm.BaseUrl) is { } problem)
            {
                errors.Add(problem);
            }

            if (settings.Crm.ServicesVersion is not ("75" or "88"))
            {
                errors.Add("crm.servicesVersion: must be \"75\" or \"88\"");
            }

            if (!Enum.IsDefined(settings.Crm.EmailLookup))
            {
                errors.Add("crm.emailLookup: must be 'findAddress' or 'archivePerson'");
            }

            if (!Enum.IsDefined(settings.Crm.Protocol))
            {
                errors.Add("crm.protocol: must be 'soap' or 'rest'");
            }
        }

        if (settings.DefaultOwnerAssociateId is <= 0)
        {
            errors.Add("defaultOwnerAssociateId: must be a positive associate id when given");
        }

        if (settings.LeadExpiryDays is < 1 or > 3650)
        {
            errors.Add("leadExpiryDays: must be between 1 and 3650");
        }

        if (settings.LeadExpiryWarningDays < 0 || settings.LeadExpiryWarningDays >= settings.LeadExpiryDays)
        {
            errors.Add("leadExpiryWarningDays: must be zero or more and less than leadExpiryDays");
        }

        if (settings.CrmCallsPerSecond is < 1 or > TenantSettings.MaxCrmCallsPerSecond)
        {
            errors.Add($"crmCallsPerSecond: must be between 1 and {TenantSettings.MaxCrmCallsPerSecond} (SuperOffice asks for no more than 10)");
        }

        if (settings.MaxWaitingLeadActions is < 1 or > TenantSettings.MaxMaxWaitingLeadActions)
        {
            errors.Add($"maxWaitingLeadActions: must be between 1 and {TenantSettings.MaxMaxWaitingLeadActions}");
        }

        if (settings.Panels is { } panels)
        {
            if (string.IsNullOrWhiteSpace(panels.ContextIdentifier) || panels.ContextIdentifier.Length > 64)
            {
                errors.Add("panels.contextIdentifier: required: the SuperOffice context id the panels' <uctx> carries, e.g. Cust12345");
            }

            foreach (var origin in panels.FrameAncestors.IsDefault ? [] : panels.FrameAncestors)
            {
                if (!FrameAncestorShape().IsMatch(origin ?? ""))
                {
                    errors.Add($"panels.frameAncestors: '{origin}' is not an origin such as https://online.superoffice.com or https://*.superoffice.com");
                }
            }

            if (panels.SessionMinutes is < 1 or > 480)
            {
                errors.Add("panels.sessionMinutes: must be between 1 and 480");
            }
        }

        if (settings.RetentionMonths is < Contacts.ContactRetention.MinMonths or > Contacts.ContactRetention.MaxMonths)
        {
            errors.Add($"retentionMonths: must be between {Contacts.ContactRetention.MinMonths} and {Contacts.ContactRetention.MaxMonths} months, or left out to keep everything");
        }

        if (!Enum.IsDefined(settings.LeadReport))
        {
            errors.Add("leadReport: must be 'waitingActions' or 'allUnknown'");
        }
        else if (settings.LeadReport == LeadReportScope.AllUnknown && !settings.LookUpNewContacts)
        {
            errors.Add("leadReport: allUnknown lists every contact not in SuperOffice, so new contacts must be looked up (lookUpNewContacts: true)");
        }

        Feed.Webhooks.WebhookRules.Validate(settings.Webhook, addresses, errors);

        return errors;
    }

    /// <summary>
    /// An Online tenant signs in as its system user at the address its state names: it has a context identifier and an
    /// environment, and no user name or password. A base URL is ignored, so it is not checked.
    /// </summary>
    private static void ValidateOnline(TenantCrmSettings crm, TenantOnlineSettings online, List<string> errors)
    {
        if (!ContextIdentifierShape().IsMatch(online.ContextIdentifier ?? ""))
        {
            errors.Add("crm.online.contextIdentifier: required: the tenant's SuperOffice context id, 2–64 letters and digits, e.g. Cust12345");
        }

        if (string.IsNullOrWhiteSpace(online.Environment))
        {
            errors.Add("crm.online.environment: required: the SuperOffice environment, e.g. online, sod or qaonline");
        }

        if (!string.IsNullOrEmpty(crm.UserName) || !string.IsNullOrEmpty(crm.Password))
        {
            errors.Add("crm.userName, crm.password: an Online tenant signs in as its system user; leave them out");
        }
    }

    /// <summary>
    /// Whether new CRM settings sign in as the same user at the same NetServer as the stored ones. Only then may the
    /// stored password and application token be kept when the new settings omit them: sent to another address or used
    /// for another user, they would reach someone they were not given to.
    /// </summary>
    public static bool SameSignIn(TenantCrmSettings stored, TenantCrmSettings sent)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(sent);

        // Case alone changes neither the host nor a SuperOffice user; a trailing slash changes nothing. An Online
        // tenant's system user is its context in its environment.
        if (stored.Online is not null || sent.Online is not null)
        {
            return stored.Online is { } before && sent.Online is { } after
                && string.Equals(before.ContextIdentifier?.Trim(), after.ContextIdentifier?.Trim(), StringComparison.OrdinalIgnoreCase)
                && string.Equals(before.Environment?.Trim(), after.Environment?.Trim(), StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(stored.BaseUrl?.Trim().TrimEnd('/'), sent.BaseUrl?.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            && string.Equals(stored.UserName?.Trim(), sent.UserName?.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$")]
    private static partial Regex FrameAncestorShape();

    [GeneratedRegex("^[A-Za-z0-9]{2,64}$")]
    private static partial Regex ContextIdentifierShape();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$")]
    private static partial Regex TenantIdShape();
}
