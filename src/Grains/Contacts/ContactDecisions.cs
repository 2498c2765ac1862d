using System.IO.Hashing;
using System.Runtime.InteropServices;
using Relay.Crm;
using Relay.Leads;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Contacts;

/// <summary>What became of a trigger delivered to a contact.</summary>
public enum TriggerDisposition
{
    /// <summary>Its id was seen before; nothing changed.</summary>
    Duplicate = 0,

    /// <summary>It is on the timeline; no automation asked for anything.</summary>
    Recorded = 1,

    /// <summary>It is on the timeline and its actions are in the outbox.</summary>
    ActionsQueued = 2,

    /// <summary>It is on the timeline, and the contact is yet to be looked up in SuperOffice.</summary>
    LookupQueued = 3,

    /// <summary>It occurred before the contact was erased: dropped, so that the erased contact stays erased.</summary>
    Erased = 4,
}

/// <summary>The outcome of looking a contact up in SuperOffice by e-mail.</summary>
public abstract record PersonResolution
{
    /// <summary>Exactly one person: link to it.</summary>
    public sealed record Link(CrmPersonMatch Person) : PersonResolution;

    /// <summary>No person: a new lead.</summary>
    public sealed record NewLead : PersonResolution;

    /// <summary>Several persons: an ambiguous lead; sales chooses among the candidates.</summary>
    public sealed record AmbiguousLead(ImmutableArray<CrmPersonMatch> Candidates) : PersonResolution;
}

/// <summary>
/// The decisions a contact makes, as plain functions over its state: what a trigger changes, how a CRM
/// lookup resolves, who owns a created object, when to try again. The grain only orchestrates them.
/// </summary>
public static partial class ContactDecisions
{
    /// <summary>How many recent trigger ids a contact remembers to drop redeliveries.</summary>
    public const int DedupeWindow = 1000;

    /// <summary>How many recent outcomes a contact keeps.</summary>
    public const int OutcomeWindow = 200;

    /// <summary>
    /// How many timeline entries an archived chunk holds; a contact keeps fewer than twice as many itself (about
    /// 94 bytes each, in the state written on every trigger).
    /// </summary>
    public const int TimelineChunkSize = 100;

    /// <summary>The chunk size of contacts that archived their first chunk before <see cref="ContactState.TimelineChunkSize"/> was kept.</summary>
    public const int FirstTimelineChunkSize = 500;

    /// <summary>How many entries each of the contact's archived chunks holds, and how many it archives at a time.</summary>
    public static int ChunkSize(ContactState state) =>
        state.TimelineChunkSize > 0 ? state.TimelineChunkSize : state.TimelineChunks > 0 ? FirstTimelineChunkSize : TimelineChunkSize;

    /// <summary>A trigger id as the dedupe window keeps it: XxHash3 of its UTF-16 characters, stable across processes.</summary>
    public static ulong TriggerHash(string triggerId) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(triggerId.AsSpan()));

    /// <summary>
    /// Applies a trigger to the state: drops it if already seen, else records it on the timeline,
    /// matches the automations and queues their actions with their idempotency keys; a waiting lead's runs are
    /// bounded (<see cref="LeadBacklog"/>).
    /// </summary>
    public static TriggerDisposition Accept(ContactState state, Trigger trigger, TenantConfig config, DateTimeOffset now)
    {
        if (state.RecentTriggerIds.Count > 0)
        {
            state.RecentTriggerHashes.InsertRange(0, state.RecentTriggerIds.Select(TriggerHash));
            state.RecentTriggerIds.Clear();
        }

        var hash = TriggerHash(trigger.Id);
        if (state.RecentTriggerHashes.Contains(hash))
        {
            state.DuplicatesDropped++;
            return TriggerDisposition.Duplicate;
        }

        if (ContactErasure.IsErased(state, trigger.OccurredAt))
        {
            return TriggerDisposition.Erased;
        }

        state.RecentTriggerHashes.Add(hash);
        if (state.RecentTriggerHashes.Count > DedupeWindow)
        {
            state.RecentTriggerHashes.RemoveRange(0, state.RecentTriggerHashes.Count - DedupeWindow);
        }

        var emailBefore = state.Fields?.Email;
        state.Fields = Merge(state.Fields, trigger.Contact);
        if (!string.Equals(emailBefore, state.Fields.Email, StringComparison.OrdinalIgnoreCase))
        {
            // A tenant that keeps its CRM budget for actions has contacts looked up only when one is needed.
            state.LookedUpWithoutMatch = !config.Settings.LookUpNewContacts;
        }

        state.FirstSeen ??= now;
        state.LastSeen = now;
        if (trigger.Contact.CrmPersonId is { } given)
        {
            state.GivenPersonId = given;
        }

        var matched = AutomationMatcher.Match(trigger, config.Automations, state.RanOnce);
        state.Timeline.Add(new TimelineEntry(
            trigger.Id, trigger.Type, trigger.OccurredAt, now, trigger.Content, trigger.LinkUrl, trigger.Form?.Id,
            [.. matched.Select(a => a.Id)], trigger.App?.Name));

        if (state.Lead is not null)
        {
            LeadBacklog.Trim(state, config, now);
            state.LeadIndexDirty = true;
        }

        var queued = false;
        foreach (var automation in matched)
        {
            var run = automation.Actions.Select((action, i) => new OutboxItem(
                $"{trigger.Id}:{automation.Id}:{i}", trigger.Id, automation.Id, i, action,
                trigger.Type, trigger.OccurredAt, now, trigger.Content, trigger.LinkUrl, EventName: trigger.App?.Name)).ToList();
            // A run whose every action a trigger that occurred later already decided still counts as run, but adds nothing.
            var allSuperseded = SetOperations.TakeSuperseded(state, run, now) > 0 && run.Count == 0;
            if (!allSuperseded)
            {
                if (!LeadBacklog.Admit(state, automation, run, config.Settings, now))
                {
                    continue;
                }

                SetOperations.Queued(state, run);
                queued = true;
            }

            if (automation.RunPolicy == RunPolicy.OncePerContact)
            {
                state.RanOnce.Add(automation.Id);
            }
        }

        return queued ? TriggerDisposition.ActionsQueued
            : state.NeedsResolution ? TriggerDisposition.LookupQueued
            : TriggerDisposition.Recorded;
    }

    /// <summary>One match links, none makes a new lead, several an ambiguous lead. Never picks silently.</summary>
    public static PersonResolution Resolve(IReadOnlyList<CrmPersonMatch> matches)
    {
        var distinct = matches.DistinctBy(m => m.PersonId).ToImmutableArray();
        return distinct.Length switch
        {
            0 => new PersonResolution.NewLead(),
            1 => new PersonResolution.Link(distinct[0]),
            _ => new PersonResolution.AmbiguousLead(distinct),
        };
    }

    /// <summary>
    /// Applies what the lookups found (<see cref="PersonLookup"/>): a person links; no person or several make a lead
    /// when actions wait for one, and otherwise mark the contact looked up; a given person id SuperOffice does not have
    /// is forgotten, and a linked contact keeps its person. Returns the lead's resolution when the contact became one.
    /// </summary>
    public static PersonResolution? ApplyLookup(ContactState state, PersonLookup found, TenantConfig config, DateTimeOffset now)
    {
        if (found.MissingGivenPersonId is not null)
        {
            state.GivenPersonId = null;
        }

        if (found.Person is { } person)
        {
            LinkTo(state, person, found.Source, now);
        }
        else if (found.Resolution is { } lead && (state.Outbox.Count > 0 || config.Settings.LeadReport == LeadReportScope.AllUnknown))
        {
            // A tenant whose Lead Report lists every unknown contact has it listed even with nothing waiting.
            BecomeLead(state, lead, now);
            LeadBacklog.Trim(state, config, now);
            return lead;
        }
        else if (found.Resolution is not null)
        {
            // Nothing waits for a person, so this contact is no lead yet; it is looked up again when
            // an automation wants to act on it or its e-mail changes.
            state.LookedUpWithoutMatch = true;
        }

        return null;
    }

    /// <summary>Whether the contact's dedupe window holds the trigger id: a delivery of it would be dropped.</summary>
    public static bool HasSeen(ContactState state, string triggerId) =>
        state.RecentTriggerHashes.Contains(TriggerHash(triggerId)) || state.RecentTriggerIds.Contains(triggerId);

    /// <summary>Links the contact to a person; a lead it was ends, and its waiting actions may run.</summary>
    public static void LinkTo(ContactState state, CrmPerson person, LinkSource source, DateTimeOffset now)
    {
        if (state.Link?.PersonId != person.PersonId || state.Link.CompanyId != person.CompanyId)
        {
            state.LinkIndexDirty = true;
        }

        state.Link = new PersonLink(person.PersonId, person.CompanyId, person.CompanyAssociateId, source, now);
        state.GivenPersonId = source == LinkSource.GivenPersonId ? person.PersonId : state.GivenPersonId;
        if (state.Lead is not null)
        {
            state.Lead = null;
            state.LeadIndexDirty = true;
        }
    }

    /// <summary>Makes the contact a lead; its actions wait until sales approves, links or dismisses it.</summary>
    public static void BecomeLead(ContactState state, PersonResolution resolution, DateTimeOffset now)
    {
        state.Lead = resolution switch
        {
            PersonResolution.AmbiguousLead a => new LeadInfo(LeadReason.Ambiguous, a.Candidates, now),
            PersonResolution.NewLead => new LeadInfo(LeadReason.New, [], now),
            _ => throw new ArgumentException("A link is not a lead.", nameof(resolution)),
        };
        state.LeadIndexDirty = true;
    }

    /// <summary>Ends the lead without a person: its waiting actions are dropped (kept as outcomes); returns how many.</summary>
    public static int Dismiss(ContactState state, DateTimeOffset now)
    {
        var dropped = state.Outbox.Count;
        foreach (var item in state.Outbox)
        {
            AddOutcome(state, Outcome(item, OutcomeStatus.Dismissed, null, null, null, null, item.Attempts, now));
        }

        state.Outbox.Clear();
        state.Lead = null;
        state.LeadIndexDirty = true;

        // Decided: the next interaction does not look the contact up again (and list it again) unless its e-mail changes.
        state.LookedUpWithoutMatch = true;
        return dropped;
    }

    /// <summary>
    /// The first outbox item, if it may be attempted now; actions run strictly in order, except that membership and
    /// interest changes held back by a fence (<see cref="SetOperations"/>) are passed over, and shown as waiting.
    /// </summary>
    public static OutboxItem? NextDue(ContactState state, DateTimeOffset now, out TimeSpan? wait)
    {
        wait = null;
        if (state.Link is null || state.Outbox.Count == 0)
        {
            return null;
        }

        Dictionary<string, DateTimeOffset>? held = null;
        for (var i = 0; i < state.Outbox.Count; i++)
        {
            var item = state.Outbox[i];
            if (SetOperations.HeldUntil(state, item, now, ref held) is { } until)
            {
                state.Outbox[i] = SetOperations.Waiting(item, until);
                wait = wait is { } w && w < until - now ? w : until - now;
                continue;
            }

            if (item.NextAttemptAt is { } at && at > now)
            {
                wait = wait is { } w && w < at - now ? w : at - now;
                return null;
            }

            return item;
        }

        return null;
    }

    /// <summary>Records success: the item leaves the outbox and its outcome is kept.</summary>
    public static void Succeeded(ContactState state, OutboxItem item, int? crmObjectId, DateTimeOffset now)
    {
        state.Outbox.Remove(item);
        AddOutcome(state, Outcome(item, OutcomeStatus.Succeeded, state.Link?.PersonId, crmObjectId, null, null, item.Attempts + 1, now));
    }

    /// <summary>Records a failure a retry may cure; returns when to try again (see <see cref="Backoff"/>).</summary>
    public static TimeSpan FailedTransiently(ContactState state, OutboxItem item, CrmException error, DateTimeOffset now, double jitter, TimeSpan maxBackoff)
    {
        var attempts = item.Attempts + 1;
        var delay = Backoff(attempts, jitter, maxBackoff);
        var i = state.Outbox.IndexOf(item);
        state.Outbox[i] = item with
        {
            Attempts = attempts,
            NextAttemptAt = now + delay,
            LastError = error.Message,
            LastErrorType = error.ErrorType,
            OutcomeUncertain = item.OutcomeUncertain || error.Kind == CrmErrorKind.Uncertain,
        };
        return delay;
    }

    /// <summary>Exponential backoff from one second, doubling to <paramref name="maxBackoff"/>, with ±20% jitter (<paramref name="jitter"/> in [0,1)).</summary>
    public static TimeSpan Backoff(int attempts, double jitter, TimeSpan maxBackoff)
    {
        var seconds = Math.Min(maxBackoff.TotalSeconds, Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * jitter)));
    }

    /// <summary>The associate who owns what an action creates; null lets SuperOffice choose.</summary>
    public static int? OwnerFor(ActionOwner owner, PersonLink link, TenantSettings settings) => owner.Kind switch
    {
        OwnerKind.Associate => owner.AssociateId,
        _ => link.CompanyAssociateId ?? settings.DefaultOwnerAssociateId,
    };

    /// <summary>
    /// Marks a create as sent before it is sent: from then on any further attempt, even after a crash, first
    /// looks the object up by its reference. Returns the item as it now stands in the outbox.
    /// </summary>
    public static OutboxItem MarkSent(ContactState state, OutboxItem item)
    {
        if (item.OutcomeUncertain)
        {
            return item;
        }

        var sent = item with { OutcomeUncertain = true };
        state.Outbox[state.Outbox.IndexOf(item)] = sent;
        return sent;
    }

    /// <summary>
    /// Records a failure that said when to come back (an open circuit, a busy rate limit): the action waits that
    /// long, spread by up to half again with <paramref name="jitter"/> in [0,1), and it does not count as an attempt.
    /// </summary>
    public static TimeSpan WaitForCrm(ContactState state, OutboxItem item, CrmException error, TimeSpan retryAfter, DateTimeOffset now, double jitter)
    {
        var delay = retryAfter * (1 + (0.5 * jitter));
        state.Outbox[state.Outbox.IndexOf(item)] = item with { NextAttemptAt = now + delay, LastError = error.Message, LastErrorType = error.ErrorType };
        return delay;
    }

    private static ContactFields Merge(ContactFields? known, ContactFields latest) =>
        known is null ? latest : latest with
        {
            Email = latest.Email ?? known.Email,
            FirstName = latest.FirstName ?? known.FirstName,
            LastName = latest.LastName ?? known.LastName,
            Title = latest.Title ?? known.Title,
            Phone = latest.Phone ?? known.Phone,
            Mobile = latest.Mobile ?? known.Mobile,
            CrmPersonId = latest.CrmPersonId ?? known.CrmPersonId,
            Company = latest.Company ?? known.Company,
        };

    private static ActionOutcome Outcome(OutboxItem item, OutcomeStatus status, int? personId, int? objectId, string? error, string? errorType, int attempts, DateTimeOffset now) =>
        new(item.Key, item.TriggerId, item.AutomationId, item.ActionIndex, item.Action.Kind, status, personId, objectId, error, errorType, attempts, now);

    /// <summary>Keeps an outcome, within <see cref="OutcomeWindow"/>.</summary>
    public static void RecordOutcome(ContactState state, ActionOutcome outcome) => AddOutcome(state, outcome);

    private static void AddOutcome(ContactState state, ActionOutcome outcome)
    {
        state.Outcomes.Add(outcome);
        if (state.Outcomes.Count > OutcomeWindow)
        {
            state.Outcomes.RemoveRange(0, state.Outcomes.Count - OutcomeWindow);
        }
    }
}
