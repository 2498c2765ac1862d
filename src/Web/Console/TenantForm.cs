using Relay.Crm;
using Relay.Tenants;

namespace Relay.Web.Console;

/// <summary>
/// A tenant's settings as the console's create and edit forms carry them. Secrets are write-only: the form never holds a
/// stored one; an empty field keeps it (while the tenant signs in as the same user at the same address) and "remove"
/// clears it, as the admin API's omitted and empty values do.
/// </summary>
public sealed class TenantForm
{
    /// <summary>The form's value for an onsite NetServer.</summary>
    public const string NetServer = "netserver";

    /// <summary>The form's value for SuperOffice CRM Online.</summary>
    public const string Online = "online";

    public string? DisplayName { get; set; }

    /// <summary><see cref="NetServer"/> or <see cref="Online"/>.</summary>
    public string Kind { get; set; } = NetServer;

    public string? BaseUrl { get; set; }

    public string ServicesVersion { get; set; } = "75";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public bool RemovePassword { get; set; }

    public string? ApplicationToken { get; set; }

    public bool RemoveApplicationToken { get; set; }

    public EmailLookup EmailLookup { get; set; } = EmailLookup.FindAddress;

    /// <summary>SOAP or the REST web API.</summary>
    public CrmProtocol Protocol { get; set; } = CrmProtocol.Soap;

    public string? ContextIdentifier { get; set; }

    public string Environment { get; set; } = "online";

    public string? SystemUserToken { get; set; }

    public bool RemoveSystemUserToken { get; set; }

    public int? DefaultOwnerAssociateId { get; set; }

    public bool CreateCompanyOnApprove { get; set; }

    public bool LookUpNewContacts { get; set; } = true;

    /// <summary>Which contacts the Lead Report lists.</summary>
    public LeadReportScope LeadReport { get; set; }

    public int LeadExpiryDays { get; set; } = 60;

    public int LeadExpiryWarningDays { get; set; } = 7;

    public int CrmCallsPerSecond { get; set; } = TenantSettings.DefaultCrmCallsPerSecond;

    public int MaxWaitingLeadActions { get; set; } = TenantSettings.DefaultMaxWaitingLeadActions;

    /// <summary>Months after which timeline entries and outcomes are dropped; empty keeps them.</summary>
    public int? RetentionMonths { get; set; }

    /// <summary>Where the feed's events are pushed (#18 part B); empty for no webhook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Whether the webhook is sent to; off keeps the URL without sending.</summary>
    public bool WebhookEnabled { get; set; } = true;

    /// <summary>The form of stored settings, without their secrets.</summary>
    public static TenantForm From(TenantSettings settings) => new()
    {
        DisplayName = settings.DisplayName,
        Kind = settings.Crm.Online is null ? NetServer : Online,
        BaseUrl = settings.Crm.Online is null ? settings.Crm.BaseUrl : null,
        ServicesVersion = settings.Crm.ServicesVersion,
        UserName = settings.Crm.UserName,
        EmailLookup = settings.Crm.EmailLookup,
        Protocol = settings.Crm.Protocol,
        ContextIdentifier = settings.Crm.Online?.ContextIdentifier,
        Environment = settings.Crm.Online?.Environment ?? "online",
        DefaultOwnerAssociateId = settings.DefaultOwnerAssociateId,
        CreateCompanyOnApprove = settings.CreateCompanyOnApprove,
        LookUpNewContacts = settings.LookUpNewContacts,
        LeadReport = settings.LeadReport,
        LeadExpiryDays = settings.LeadExpiryDays,
        LeadExpiryWarningDays = settings.LeadExpiryWarningDays,
        CrmCallsPerSecond = settings.CrmCallsPerSecond,
        MaxWaitingLeadActions = settings.MaxWaitingLeadActions,
        RetentionMonths = settings.RetentionMonths,
        WebhookUrl = settings.Webhook?.Url,
        WebhookEnabled = settings.Webhook?.Enabled ?? true,
    };

    /// <summary>The settings the form asks for; <paramref name="panels"/> (not edited here) are kept as they were.</summary>
    public TenantSettings ToSettings(PanelSettings? panels)
    {
        var online = Kind == Online;
        var crm = new TenantCrmSettings(
            online ? "" : BaseUrl?.Trim() ?? "",
            ServicesVersion,
            online ? null : Blank(UserName),
            online ? null : Secret(Password, RemovePassword),
            Secret(ApplicationToken, RemoveApplicationToken),
            EmailLookup,
            online ? new TenantOnlineSettings(ContextIdentifier?.Trim() ?? "", Environment.Trim(), Secret(SystemUserToken, RemoveSystemUserToken)) : null,
            Protocol);
        return new TenantSettings(
            Blank(DisplayName), crm, DefaultOwnerAssociateId, CreateCompanyOnApprove, LeadExpiryDays, LeadExpiryWarningDays, panels, LookUpNewContacts, CrmCallsPerSecond, MaxWaitingLeadActions,
            LeadReport, RetentionMonths: RetentionMonths, Webhook: Blank(WebhookUrl) is { } webhook ? new WebhookSettings(webhook, WebhookEnabled) : null);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Nothing typed keeps the stored secret (null); "remove" clears it (empty).</summary>
    private static string? Secret(string? typed, bool remove) => remove ? "" : string.IsNullOrEmpty(typed) ? null : typed;
}
