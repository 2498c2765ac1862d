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

    /// <summary>The demo tenant's settings against the given CRM.</summary>
    public static TenantSettings Settings(TenantCrmSettings crm, int salesRepAssociateId = SalesRepAssociateId) =>
        new("Demo AB", crm, DefaultOwnerAssociateId: salesRepAssociateId, CreateCompanyOnApprove: true, Panels: Panels);

    /// <summary>
    /// The demo's panel access, matching the emulator's demo users: context <c>Cust12345</c>; the Sales
    /// group (1) sees every panel, the Marketing group (2) only the Timeline Report.
    /// </summary>
    public static PanelSettings Panels { get; } = new("Cust12345", ["https://*.superoffice.com", "http://localhost:5080"], [1], [1, 2], [1]);

    /// <summary>The demo automations against the in-memory CRM's demo data.</summary>
    public static ImmutableArray<Automation> Automations { get; } = AutomationsFor(WebinarSelectionId, NewsletterProjectId, PricingInterestId, SalesRepAssociateId);

    /// <summary>
    /// One automation per kind of interest — a pricing click, a demo request form, a newsletter open —
    /// against the given selection, project, interest and sales rep.
    /// </summary>
    public static ImmutableArray<Automation> AutomationsFor(int webinarSelectionId, int newsletterProjectId, int pricingInterestId, int salesRepAssociateId) =>
    [
        new Automation(
            "pricing-click",
            "Clicked the pricing page: open a sale and tell the rep",
            new AutomationMatch(TriggerType.EmailClicked, LinkUrl: "https://example.com/pricing", LinkMatch: LinkMatch.Prefix),
            [
                new CreateSaleAction("Pricing interest", 5000, null, 20, ActionOwner.CompanyAssociate),
                new NotifySalesRepAction(null, "Clicked the pricing page in a newsletter", ActionOwner.CompanyAssociate),
                new AddInterestAction(pricingInterestId),
            ]),
        new Automation(
            "demo-request",
            "Asked for a demo: task for the rep, invite to the webinar",
            new AutomationMatch(TriggerType.FormSubmitted, FormId: "form-demo"),
            [
                new CreateTaskAction(null, "Call back about the demo request", 2, ActionOwner.Associate(salesRepAssociateId)),
                new AddToSelectionAction(webinarSelectionId),
            ]),
        new Automation(
            "newsletter-reader",
            "Opened the November newsletter: add to the newsletter project once",
            new AutomationMatch(TriggerType.EmailOpened, ContentId: "mail-2026-11"),
            [new AddToProjectAction(newsletterProjectId)],
            RunPolicy.OncePerContact),
    ];

    /// <summary>Fills an in-memory CRM with the demo persons, selections and projects.</summary>
    public static InMemoryCrm SeedCrm(InMemoryCrm crm)
    {
        crm.AddSelection(WebinarSelectionId);
        crm.AddProject(NewsletterProjectId);
        var berg = crm.SeedCompany("Berg AB", SalesRepAssociateId);
        crm.SeedPerson("Ann", "Berg", "ann.berg@example.com", berg);
        crm.SeedPerson("Per", "Berg", "per.berg@example.com", berg);
        var nordic = crm.SeedCompany("Nordic Trading", SalesRepAssociateId);
        crm.SeedPerson("Lena", "Nord", "info@nordic.example", nordic);
        crm.SeedPerson("Lars", "Nord", "info@nordic.example", nordic);
        return crm;
    }
}
