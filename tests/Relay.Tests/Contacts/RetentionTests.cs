using Relay.Contacts;
using Relay.Tenants;
using Relay.Tests.Leads;
using Relay.Timeline;
using Relay.Triggers;

namespace Relay.Tests.Contacts;

/// <summary>
/// A tenant's retention (<see cref="TenantSettings.RetentionMonths"/>) on a cluster whose clock the test moves: timeline
/// entries (in the state and in archived chunks, whole or in part) and outcomes older than it are dropped when the contact
/// is written, and by the daily sweep for contacts that do not come back.
/// </summary>
public sealed class RetentionTests(FakeTimeClusterFixture fixture) : IClassFixture<FakeTimeClusterFixture>
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(24, true)]
    [InlineData(120, true)]
    [InlineData(121, false)]
    [InlineData(null, true)]
    public void Retention_must_be_between_one_and_120_months_or_left_out(int? months, bool valid)
    {
        var errors = TenantRules.Validate(new TenantSettings("t", new TenantCrmSettings("https://crm.example.com/"), RetentionMonths: months));

        errors.Any(e => e.StartsWith("retentionMonths:", StringComparison.Ordinal)).ShouldBe(!valid);
    }

    [Fact]
    public async Task A_contact_drops_entries_archived_chunks_and_outcomes_older_than_the_retention_on_its_next_write()
    {
        var interest = 7;
        var email = Build.Email();
        fixture.Crm.SeedPerson("Rita", "Retain", email);
        var tenant = await fixture.CreateTenantAsync(
            s => s with { RetentionMonths = 2 },
            new Automation("click", null, new AutomationMatch(TriggerType.EmailClicked), [new AddInterestAction(interest)]));
        var contact = "c-" + Guid.NewGuid().ToString("N")[..8];
        var start = fixture.Time.GetUtcNow();

        // Month 0: a click (an outcome) and 249 opens: two chunks archived, 150 entries in the state.
        await SendAsync(tenant, contact, email, 1, TriggerType.EmailClicked);
        await SendAsync(tenant, contact, email, 249);
        var first = await fixture.SettledAsync(tenant, contact, 250);
        first.Outcomes.ShouldHaveSingleItem().Status.ShouldBe(OutcomeStatus.Succeeded);

        // Four weeks later: 120 more.
        fixture.Time.Advance(TimeSpan.FromDays(28));
        var month1 = await SendAsync(tenant, contact, email, 120);
        await WaitForTotalAsync(tenant, contact, 370);

        // Two months and a day after the start: the next trigger drops everything from month 0, archived or not.
        fixture.Time.SetUtcNow(start.AddMonths(2).AddDays(1));
        var month2 = await SendAsync(tenant, contact, email, 1);
        var view = await WaitForTotalAsync(tenant, contact, 121);
        view.Outcomes.ShouldBeEmpty();
        (await Chunk(tenant, contact, 0)).ShouldBeEmpty();
        (await Chunk(tenant, contact, 1)).ShouldBeEmpty();
        (await TimelineIdsAsync(tenant, contact, 500)).ShouldBe([.. month1.Concat(month2).Reverse()]);

        // 179 more in month 2 archive a chunk of month 1 alone, and one holding 20 of month 1 and 80 of month 2.
        month2 = [.. month2, .. await SendAsync(tenant, contact, email, 179)];
        await WaitForTotalAsync(tenant, contact, 300);

        // Month 1 is older than two months: one chunk goes, the other loses its first 20 entries; pages still line up.
        fixture.Time.SetUtcNow(start.AddMonths(3).AddDays(1));
        var month3 = await SendAsync(tenant, contact, email, 1);
        await WaitForTotalAsync(tenant, contact, 181);
        (await Chunk(tenant, contact, 2)).ShouldBeEmpty();
        (await Chunk(tenant, contact, 3)).Length.ShouldBe(80);
        (await TimelineIdsAsync(tenant, contact, 500)).ShouldBe([.. month2.Concat(month3).Reverse()]);
        var page = (await fixture.Contact(tenant, contact).GetViewAsync(95, 30))!.Timeline;
        page.Select(e => e.TriggerId).ShouldBe([.. month2.Concat(month3).Reverse().Skip(95).Take(30)]);
    }

    [Fact]
    public async Task The_daily_sweep_drops_old_entries_of_contacts_that_do_not_come_back_and_leaves_recent_ones()
    {
        var tenant = await fixture.CreateTenantAsync(s => s with { RetentionMonths = 1 });
        var (gone, recent) = ("gone-" + Guid.NewGuid().ToString("N")[..6], "recent-" + Guid.NewGuid().ToString("N")[..6]);
        var start = fixture.Time.GetUtcNow();
        await SendAsync(tenant, gone, Build.Email(), 3);
        await WaitForTotalAsync(tenant, gone, 3);
        var roster = fixture.Client.GetGrain<IContactRosterGrain>(ContactRoster.ShardKey(tenant, gone));
        (await roster.GetAsync()).ShouldContainKeyAndValue(gone, ContactRetention.Day(start));

        fixture.Time.Advance(TimeSpan.FromDays(20));
        await SendAsync(tenant, recent, Build.Email(), 1);
        await WaitForTotalAsync(tenant, recent, 1);

        fixture.Time.SetUtcNow(start.AddMonths(1).AddDays(2));
        (await fixture.Client.GetGrain<IRetentionSweepGrain>(tenant).SweepAsync()).ShouldBe(1);

        (await fixture.ViewAsync(tenant, gone))!.TimelineTotal.ShouldBe(0);
        (await roster.GetAsync()).ShouldNotContainKey(gone, "it keeps nothing, so no sweep needs to visit it again");
        (await fixture.ViewAsync(tenant, recent))!.TimelineTotal.ShouldBe(1);
        (await fixture.Client.GetGrain<IRetentionSweepGrain>(tenant).SweepAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task A_tenant_without_retention_keeps_everything()
    {
        var tenant = await fixture.CreateTenantAsync();
        var contact = "keep-" + Guid.NewGuid().ToString("N")[..6];
        await SendAsync(tenant, contact, Build.Email(), 2);
        await WaitForTotalAsync(tenant, contact, 2);

        fixture.Time.Advance(TimeSpan.FromDays(4000));
        await SendAsync(tenant, contact, Build.Email(), 1);

        await WaitForTotalAsync(tenant, contact, 3);
        (await fixture.Client.GetGrain<IRetentionSweepGrain>(tenant).SweepAsync()).ShouldBe(0);
    }

    private async Task<List<string>> SendAsync(string tenant, string contact, string email, int count, TriggerType type = TriggerType.EmailOpened)
    {
        var triggers = Enumerable.Range(0, count).Select(_ => Build.Trigger(type, contact, email)).ToArray();
        await fixture.SendAsync(tenant, triggers);
        return [.. triggers.Select(t => t.Id)];
    }

    private Task<ContactView> WaitForTotalAsync(string tenant, string contact, int total) =>
        Eventually.GetAsync(() => fixture.ViewAsync(tenant, contact), v => v?.TimelineTotal == total, $"{contact} to keep {total} entries")!;

    private async Task<List<string>> TimelineIdsAsync(string tenant, string contact, int take) =>
        [.. (await fixture.Contact(tenant, contact).GetViewAsync(0, take))!.Timeline.Select(e => e.TriggerId)];

    private Task<ImmutableArray<TimelineEntry>> Chunk(string tenant, string contact, int number) =>
        fixture.Client.GetGrain<ITimelineChunkGrain>(TimelineChunkKey.Of(tenant, contact, number)).GetAsync();
}
