using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Relay.Contacts;
using Relay.Crm;
using Relay.Hosting;
using Relay.Leads;
using Relay.Triggers;

namespace Relay.Tests.Leads;

/// <summary>A cluster whose clock the test moves, for leads that age.</summary>
public sealed class FakeTimeClusterFixture : ClusterFixture
{
    private readonly InMemoryCrm _crm = new();

    /// <summary>The clock every silo reads.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override Task<ITestCrm> StartCrmAsync() => Task.FromResult<ITestCrm>(new InMemoryTestCrm(_crm));

    protected override void Configure(RelayTestClusterOptions cluster)
    {
        cluster.Crm = _crm;
        cluster.ConfigureServices = services => services.AddSingleton(new RelayClock(Time));
    }
}

/// <summary>Leads age: marked "expires soon" before the tenant's limit, then expired and their actions dropped.</summary>
public sealed class LeadExpiryTests(FakeTimeClusterFixture fixture) : IClassFixture<FakeTimeClusterFixture>
{
    [Fact]
    public async Task A_lead_is_marked_expiring_soon_then_expires_and_its_waiting_actions_are_dropped()
    {
        var tenant = await fixture.CreateTenantAsync(
            s => s with { LeadExpiryDays = 10, LeadExpiryWarningDays = 3 },
            Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Too late", 1, null, 10, ActionOwner.Associate(1))));
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", Build.Email()));
        var fresh = (await fixture.LeadsAsync(tenant, 1)).Items[0];

        fresh.ExpiresAt.ShouldBe(fresh.LeadSince.AddDays(10));
        fresh.ExpiresSoon.ShouldBeFalse();
        (await LeadIndex.SweepExpiredAsync(fixture.Client, tenant)).ShouldBe(0);

        fixture.Time.Advance(TimeSpan.FromDays(7.5));
        (await LeadIndex.GetPageAsync(fixture.Client, tenant, 0, 10)).Items[0].ExpiresSoon.ShouldBeTrue();
        (await LeadIndex.SweepExpiredAsync(fixture.Client, tenant)).ShouldBe(0);

        fixture.Time.Advance(TimeSpan.FromDays(3));
        (await LeadIndex.SweepExpiredAsync(fixture.Client, tenant)).ShouldBe(1);

        await fixture.LeadsAsync(tenant, 0);
        var view = (await fixture.ViewAsync(tenant, "c1"))!;
        view.Outbox.ShouldBeEmpty();
        view.Outcomes.ShouldHaveSingleItem().Status.ShouldBe(OutcomeStatus.Dismissed);
        view.Decisions.ShouldHaveSingleItem().ShouldBe(view.Decisions[0] with { Kind = LeadDecisionKind.Expired, By = SalesUser.Relay, Actions = 1 });
        view.TimelineTotal.ShouldBe(1);
    }
}
