using Relay.Contacts;
using Relay.Crm;
using Relay.DeadLetters;
using Relay.Resilience;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Resilience;

/// <summary>The budget bucket, retry and replay decisions, and dead-letter inspection, without a cluster.</summary>
public sealed class ResilienceDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static readonly Automation Sale = new("sale", null, new AutomationMatch(TriggerType.EmailClicked),
        [new CreateSaleAction("Interest", 1, null, 10, ActionOwner.CompanyAssociate), new AddToSelectionAction(7)]);

    private static readonly TenantConfig Config = new("t", new TenantSettings(null, new TenantCrmSettings("memory://t")), [Sale], 1);

    [Fact]
    public void The_bucket_grants_its_rate_over_time_and_no_more()
    {
        var bucket = new PermitBucket(10, Now);
        var granted = 0;
        for (var ms = 0; ms <= 20_000; ms += 7)
        {
            granted += bucket.Take(3, Now.AddMilliseconds(ms)).Granted;
        }

        // 20 s at 10/s, plus the burst of 5 it starts with.
        granted.ShouldBeInRange(200, 205);
    }

    [Fact]
    public void An_empty_bucket_says_when_a_permit_will_be_there_and_bulk_leaves_a_reserve()
    {
        var bucket = new PermitBucket(10, Now);
        bucket.Take(9, Now).Granted.ShouldBe(5);

        var (granted, retryAfter) = bucket.Take(1, Now);
        granted.ShouldBe(0);
        retryAfter.ShouldBe(TimeSpan.FromMilliseconds(100));
        bucket.Take(1, Now.AddMilliseconds(150), reserve: 1).Granted.ShouldBe(0);
        bucket.Take(1, Now.AddMilliseconds(150)).Granted.ShouldBe(1);
    }

    [Fact]
    public void A_create_is_marked_sent_before_it_goes_out_so_any_later_attempt_looks_first()
    {
        var state = Queued();

        var sent = ContactDecisions.MarkSent(state, state.Outbox[0]);

        sent.OutcomeUncertain.ShouldBeTrue();
        state.Outbox[0].ShouldBe(sent);
        ContactDecisions.MarkSent(state, sent).ShouldBeSameAs(sent);
    }

    [Fact]
    public void Waiting_for_an_open_circuit_is_not_an_attempt()
    {
        var state = Queued();
        var error = new CrmException(CrmErrorKind.Transient, "CircuitOpen", "resting") { RetryAfter = TimeSpan.FromSeconds(4) };

        var delay = ContactDecisions.WaitForCrm(state, state.Outbox[0], error, error.RetryAfter!.Value, Now, jitter: 0.5);

        delay.ShouldBe(TimeSpan.FromSeconds(5));
        state.Outbox[0].ShouldBe(state.Outbox[0] with { Attempts = 0, NextAttemptAt = Now.AddSeconds(5), LastErrorType = "CircuitOpen" });
    }

    [Fact]
    public void Replay_puts_parked_actions_back_with_fresh_attempts_one_or_by_error_type()
    {
        var state = Queued();
        state.Link = new PersonLink(1, null, null, LinkSource.EmailMatch, Now);
        ContactDecisions.Park(state, state.Outbox[1], new CrmException(CrmErrorKind.Permanent, "SelectionNotFound", "no selection 7"), Now);
        ContactDecisions.Park(state, state.Outbox[0], new CrmException(CrmErrorKind.Permanent, "Validation", "bad"), Now);
        state.ParkedIndexDirty = false;

        ContactDecisions.Replay(state, key: null, errorType: "SelectionNotFound", Now).ShouldBe(1);
        ContactDecisions.Replay(state, key: "nope", errorType: null, Now).ShouldBe(0);

        state.Outbox.ShouldHaveSingleItem().ShouldBe(state.Outbox[0] with { Key = "evt-1:sale:1", Attempts = 0, NextAttemptAt = null });
        state.Parked.ShouldHaveSingleItem().LastErrorType.ShouldBe("Validation");
        state.ParkedIndexDirty.ShouldBeTrue();
    }

    [Fact]
    public void A_trigger_on_another_contacts_stream_or_without_a_contact_is_unprocessable()
    {
        var trigger = Build.Trigger(TriggerType.EmailOpened, "c1", "a@b.se", id: "evt-9");

        DeadLetterDecisions.Inspect(new TriggerEnvelope("t", trigger, Now), "t:c1").ShouldBeNull();
        DeadLetterDecisions.Inspect(new TriggerEnvelope("t", trigger, Now), "t:c2")!.Value.ErrorType.ShouldBe("WrongContact");
        DeadLetterDecisions.Inspect(new TriggerEnvelope("u", trigger, Now), "t:c1")!.Value.ErrorType.ShouldBe("WrongContact");
        DeadLetterDecisions.Inspect(new TriggerEnvelope("t", trigger with { Contact = null! }, Now), "t:c1")!.Value.ErrorType.ShouldBe("MissingContact");
        DeadLetterDecisions.Inspect(new TriggerEnvelope("t", trigger with { Id = "" }, Now), "t:c1")!.Value.ErrorType.ShouldBe("InvalidTriggerId");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public void A_crm_rate_outside_1_to_10000_is_refused(int rate) =>
        TenantRules.Validate(Config.Settings with { CrmCallsPerSecond = rate }).ShouldContain(e => e.StartsWith("crmCallsPerSecond:", StringComparison.Ordinal));

    private static ContactState Queued()
    {
        var state = new ContactState();
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailClicked, "c", "a@b.se", id: "evt-1"), Config, Now);
        return state;
    }
}
