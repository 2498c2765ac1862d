using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Relay.Crm;
using Relay.Hosting;
using Relay.Observability;
using Relay.Resilience;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Contacts;

/// <inheritdoc cref="IContactGrain"/>
/// <remarks>
/// Not reentrant: one contact's triggers, outbox work and lead decisions happen one at a time, in
/// arrival order. A trigger is acknowledged only after its timeline entry and actions are written, so a
/// crash loses nothing; CRM calls happen later, from a timer, so a slow CRM never holds up the stream.
/// This file answers reads; <c>ContactGrain.Accept.cs</c> takes triggers in (from the trigger lanes); <c>ContactGrain.Drain.cs</c> does whatever
/// <see cref="ContactState.Pending"/> says is left and keeps the reminder that brings the contact back while work is
/// left. Those two are the core; each other file is one facet the core calls: <c>Outbox</c> (the person and the
/// actions), <c>Consent</c>, <c>Leads</c> (sales' decisions), <c>Replay</c>, <c>Timeline</c>, <c>DeadLetters</c>.
/// <see cref="ContactIndexes"/> keeps the tenant's indexes in step.
/// </remarks>
public sealed partial class ContactGrain(
    [PersistentState("contact", RelayStorage.Name)] IPersistentState<ContactState> state,
    ICrm crm,
    ICrmConsents consents,
    ActionExecutor executor,
    RelayClock time,
    PipelineMetrics metrics,
    IOptions<CrmRetryOptions> retry,
    ILogger<ContactGrain> logger) : Grain, IContactGrain
{
    private string _tenantId = "";
    private string _contactId = "";
    private int _reportedOutbox;
    private ContactIndexes _indexes = null!;

    private ContactState S => state.State;

    private string GrainKey => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenantId, _contactId) = ContactKey.Parse(this.GetPrimaryKeyString());
        _indexes = new ContactIndexes(GrainFactory, _tenantId, _contactId, logger);

        // A contact Relay never heard of has nothing to drain yet: its first trigger decides what it needs.
        if ((S.FirstSeen is not null || S.ErasedAt is not null) && S.Pending != PendingWork.None)
        {
            // The previous activation may have died in the middle of a membership or interest change.
            SetOperations.FenceInFlight(S, time.GetUtcNow(), retry.Value.SetOperationSettle);
            ScheduleDrain(TimeSpan.Zero);
        }

        ReportOutbox();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.OutboxChanged(_tenantId, -_reportedOutbox);
        _reportedOutbox = 0;
        return Task.CompletedTask;
    }

    async Task<ContactView?> IContactGrain.GetViewAsync(int timelineSkip, int timelineTake)
    {
        if (S.FirstSeen is null)
        {
            return null;
        }

        var status = (S.Link, S.Lead) switch
        {
            (_, { Reason: LeadReason.Ambiguous }) => ContactStatus.AmbiguousLead,
            (_, { Reason: LeadReason.New }) => ContactStatus.NewLead,
            ({ }, null) => ContactStatus.Linked,
            _ => ContactStatus.Unresolved,
        };

        // Everything but the archived timeline is taken before the first await: reads interleave with the contact's work.
        var view = new ContactView(
            _tenantId, _contactId, status, S.Fields, S.Link, S.Lead, S.TimelineTotal, [],
            [.. S.Outbox], [.. S.Parked], [.. S.Outcomes], S.FirstSeen, S.LastSeen, S.DuplicatesDropped, [.. S.Decisions]);
        return view with { Timeline = await NewestFirstAsync(timelineSkip, timelineTake) };
    }

    async Task<ContactTimeline?> IContactGrain.GetTimelineAsync(int take)
    {
        if (S.FirstSeen is null)
        {
            return null;
        }

        var (name, personId, total) = (S.Fields?.DisplayName ?? _contactId, S.Link?.PersonId, S.TimelineTotal);
        return new ContactTimeline(_contactId, name, personId, total, await NewestFirstAsync(0, take));
    }

    /// <summary>Keeps the silo's outbox-depth gauge in step with this contact's outbox.</summary>
    private void ReportOutbox()
    {
        metrics.OutboxChanged(_tenantId, S.Outbox.Count - _reportedOutbox);
        _reportedOutbox = S.Outbox.Count;
    }

    private Task<TenantConfig?> TenantConfigAsync() => GrainFactory.GetGrain<ITenantGrain>(_tenantId).GetConfigAsync();
}
