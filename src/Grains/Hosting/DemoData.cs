using Relay.Crm;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Hosting;

/// <summary>The demo tenant of the embedded default: a few persons, and automations that show each kind of action.</summary>
public static class DemoData
{
    /// <summary>A selection that exists in the demo CRM.</summary>
    public const int WebinarSelectionId = 100;

    /// <summary>A project that exists in the demo CRM.</summary>
    public const int NewsletterProjectId = 200;

    /// <summary>An interest in the demo CRM.</summary>
    public const int PricingInterestId = 300;

    /// <summary>The demo sales rep.</summary>
    public const int SalesRepAssociateId = 7;

    /// <summary>The demo tenant's settings against the given CRM base URL.</summary>
    public static TenantSettings Settings(string crmBaseUrl) =>
        new("Demo AB", new TenantCrmSettings(crmBaseUrl), DefaultOwnerAssociateId: SalesRepAssociateId);

    /// <summary>One automation per kind of interest: a pricing click, a demo request form, a newsletter open.</summary>
    public static ImmutableArray<Automation> Automations { get; } =
    [
        new Automation(
            "pricing-click",
            "Clicked the pricing page: open a sale and tell the rep",
            new AutomationMatch(TriggerType.EmailClicked, LinkUrl: "https://example.com/pricing", LinkMatch: LinkMatch.Prefix),
            [
                new CreateSaleAction("Pricing interest", 5000, null, 20, ActionOwner.CompanyAssociate),
                new NotifySalesRepAction(null, "Clicked the pricing page in a newsletter", ActionOwner.CompanyAssociate),
                new AddInterestAction(PricingInterestId),
            ]),
        new Automation(
            "demo-request",
            "Asked for a demo: task for the rep, invite to the webinar",
            new AutomationMatch(TriggerType.FormSubmitted, FormId: "form-demo"),
            [
                new CreateTaskAction(null, "Call back about the demo request", 2, ActionOwner.Associate(SalesRepAssociateId)),
                new AddToSelectionAction(WebinarSelectionId),
            ]),
        new Automation(
            "newsletter-reader",
            "Opened the November newsletter: add to the newsletter project once",
            new AutomationMatch(TriggerType.EmailOpened, ContentId: "mail-2026-11"),
            [new AddToProjectAction(NewsletterProjectId)],
            RunPolicy.OncePerContact),
    ];

    /// <summary>Fills an in-memory CRM with the demo persons, selections and projects.</summary>
    public static InMemoryCrm SeedCrm(InMemoryCrm crm)
    {
        crm.Selections.Add(WebinarSelectionId);
        crm.Projects.Add(NewsletterProjectId);
        var berg = crm.SeedCompany("Berg AB", SalesRepAssociateId);
        crm.SeedPerson("Ann", "Berg", "ann.berg@example.com", berg);
        crm.SeedPerson("Per", "Berg", "per.berg@example.com", berg);
        var nordic = crm.SeedCompany("Nordic Trading", SalesRepAssociateId);
        crm.SeedPerson("Lena", "Nord", "info@nordic.example", nordic);
        crm.SeedPerson("Lars", "Nord", "info@nordic.example", nordic);
        return crm;
    }
}
