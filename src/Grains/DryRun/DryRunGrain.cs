using Relay.Contacts;
using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.Hosting;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.DryRun;

/// <summary>
/// "What would this trigger do?" for one tenant (key: the tenant id): which automations match, how the contact resolves
/// and the CRM writes in order, worked out with the contact's own decisions on a copy of its state. Only reads: the
/// contact, its timeline, SuperOffice's persons and lists; it writes nothing anywhere.
/// </summary>
[Alias("relay.IDryRunGrain")]
public interface IDryRunGrain : IGrainWithStringKey
{
    /// <summary>Runs the dry run; an unknown tenant, contact or timeline trigger is answered with <see cref="DryRunAnswer.Missing"/>.</summary>
    [Alias("Run")]
    Task<DryRunAnswer> RunAsync(DryRunRequest request, CancellationToken cancellationToken = default);
}

/// <inheritdoc cref="IDryRunGrain"/>
/// <remarks>Stateless: a silo runs as many as callers need. The lookups go through the silo's decorated CRM port, so they count against the tenant's rate limit.</remarks>
[StatelessWorker]
internal sealed class DryRunGrain(ICrm crm, RelayClock time) : Grain, IDryRunGrain
{
    async Task<DryRunAnswer> IDryRunGrain.RunAsync(DryRunRequest request, CancellationToken cancellationToken)
    {
        var tenant = this.GetPrimaryKeyString();
        if (await GrainFactory.GetGrain<ITenantGrain>(tenant).GetConfigAsync() is not { } config)
        {
            return new(null, DryRunMissing.Tenant, $"Relay has no tenant '{tenant}'.");
        }

        var contactId = request.Trigger?.Contact.Id ?? request.ContactId ?? "";
        var basis = await GrainFactory.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId)).GetDryRunBasisAsync(request.Trigger is null ? request.TriggerId : null);
        Trigger trigger;
        if (request.Trigger is { } given)
        {
            trigger = given;
        }
        else if (basis is null)
        {
            return new(null, DryRunMissing.Contact, $"Relay never heard of contact '{contactId}'.");
        }
        else if (basis.Entry is not { } entry)
        {
            return new(null, DryRunMissing.Trigger, $"Contact '{contactId}' has no trigger '{request.TriggerId}' on its timeline.");
        }
        else
        {
            trigger = FromTimeline(entry, basis.State.Fields ?? new ContactFields(contactId));
        }

        var state = basis?.State ?? new ContactState();
        var now = time.GetUtcNow();
        var notes = new List<string>();
        var accepted = DryRunDecisions.Accept(state, trigger, config, now);
        var lists = DryRunDecisions.ListsFor(accepted.Verdicts.Where(v => v.Kind == AutomationVerdictKind.Matched).Select(v => config.Automations.First(a => a.Id == v.AutomationId)));
        var names = await NamesAsync(tenant, lists, notes, cancellationToken);
        var resolution = await ResolveAsync(state, config, now, names, notes, cancellationToken);
        var writes = DryRunDecisions.Writes(state, trigger, config, accepted.Verdicts, contactId, now, names);
        if (accepted.Duplicate)
        {
            notes.Insert(0, $"Relay has already seen trigger '{trigger.Id}' for this contact: a delivery of it would be dropped and nothing would happen. Shown is what it would do as a new trigger.");
        }

        if (accepted.WaitingBefore > 0 && writes.Any(w => w.Status is DryRunWriteStatus.WouldWrite or DryRunWriteStatus.WaitsAsLead))
        {
            notes.Add($"{accepted.WaitingBefore} earlier action(s) of this contact wait ahead of these.");
        }

        if (trigger.Consent is { } consent)
        {
            notes.Add($"A consent change: Relay would record '{consent.LegalBasis}' ({(consent.Granted ? "granted" : "withdrawn")}) for '{consent.Purpose}' and tell SuperOffice once the contact is linked.");
        }

        var name = state.Fields?.DisplayName ?? contactId;
        var shown = new DryRunTrigger(trigger.Id, trigger.Type, trigger.OccurredAt, trigger.Content, trigger.LinkUrl, trigger.Form?.Id, request.Trigger is null, trigger.App?.Name);
        return new(new DryRunReport(tenant, contactId, name, basis is not null, shown, accepted.Duplicate, accepted.Verdicts, resolution, writes, [.. notes], now));
    }

    /// <summary>A timeline entry as the trigger it was, with the contact's fields as they stand now.</summary>
    private static Trigger FromTimeline(TimelineEntry entry, ContactFields fields) =>
        new(entry.TriggerId, entry.Type, entry.OccurredAt, fields, entry.Content, entry.LinkUrl,
            entry.FormId is { } form ? new FormSubmission(form, ImmutableDictionary<string, string>.Empty) : null,
            App: entry.EventName is { } name ? new AppEventData(name, ImmutableDictionary<string, string>.Empty) : null);

    /// <summary>Resolves the contact on the copy with the contact's own lookups and decisions; SuperOffice is only read.</summary>
    private async Task<DryRunResolution> ResolveAsync(ContactState state, TenantConfig config, DateTimeOffset now, DryRunNames names, List<string> notes, CancellationToken cancellationToken)
    {
        if (state.Lead is { } waiting)
        {
            return new(DryRunResolutionKind.WaitingLead,
                waiting.Reason == LeadReason.Ambiguous ? "Already an ambiguous lead: the actions wait until sales chooses the person." : "Already a new lead: the actions wait until sales approves or links it.",
                Candidates: waiting.Candidates);
        }

        if (!state.NeedsResolution)
        {
            return state.Link is { } link
                ? new(DryRunResolutionKind.Linked, $"Already linked to person {link.PersonId}.", await PersonAsync(config, link.PersonId, link, names, notes, cancellationToken))
                : new(DryRunResolutionKind.NotNeeded, "Nothing asks for a SuperOffice person, and the contact was looked up before without a single match.");
        }

        PersonLookup found;
        try
        {
            // A question from the console, not a sales rep waiting: after the pipeline's rep-facing work.
            found = await CrmCallContext.WithPriorityAsync(CrmPriority.Bulk, () => PersonLookup.FindAsync(crm, config.Connection, state, cancellationToken));
        }
        catch (CrmException ex)
        {
            return new(DryRunResolutionKind.LookupFailed, "SuperOffice could not be asked who the contact is; the actions would wait until it can.", Error: $"{ex.ErrorType}: {ex.Message}");
        }

        if (found.MissingGivenPersonId is { } missing)
        {
            notes.Add($"The person id eMarketeer gave ({missing}) does not exist in SuperOffice.");
        }

        var lead = ContactDecisions.ApplyLookup(state, found, config, now);
        if (found.Person is { } person)
        {
            var how = found.Source == LinkSource.GivenPersonId ? "the person id eMarketeer gave" : $"the e-mail {state.Fields?.Email}";
            return new(found.Source == LinkSource.GivenPersonId ? DryRunResolutionKind.GivenPersonId : DryRunResolutionKind.EmailMatch,
                $"Links to person {person.PersonId}, found by {how}.", Person(person, state.Link, names));
        }

        return (lead, found.Resolution) switch
        {
            (PersonResolution.AmbiguousLead a, _) => new(DryRunResolutionKind.AmbiguousLead, $"Several persons have the e-mail {state.Fields?.Email}: an ambiguous lead; sales chooses among {a.Candidates.Length} candidates.", Candidates: a.Candidates),
            (PersonResolution.NewLead, _) => new(DryRunResolutionKind.NewLead, string.IsNullOrEmpty(state.Fields?.Email) ? "No e-mail and no person id: a new lead for sales to approve." : $"No person has the e-mail {state.Fields.Email}: a new lead for sales to approve."),
            (_, PersonResolution.AmbiguousLead a) => new(DryRunResolutionKind.NotALead, "Several persons have the e-mail, but no action waits for a person: the contact does not become a lead.", Candidates: a.Candidates),
            (_, { }) => new(DryRunResolutionKind.NotALead, "No person has the e-mail, but no action waits for a person: the contact does not become a lead."),
            _ => new(DryRunResolutionKind.Linked, $"Stays linked to person {state.Link!.PersonId}.", await PersonAsync(config, state.Link.PersonId, state.Link, names, notes, cancellationToken)),
        };
    }

    private async Task<DryRunPerson> PersonAsync(TenantConfig config, int personId, PersonLink link, DryRunNames names, List<string> notes, CancellationToken cancellationToken)
    {
        try
        {
            if (await crm.GetPersonAsync(config.Connection, personId, cancellationToken) is { } person)
            {
                return Person(person, link, names);
            }

            notes.Add($"Person {personId} no longer exists in SuperOffice: the writes would be parked.");
        }
        catch (CrmException ex)
        {
            notes.Add($"Person {personId} could not be read from SuperOffice ({ex.ErrorType}).");
        }

        return new(personId, null, link.CompanyId, null, names.Associate(link.CompanyAssociateId));
    }

    private static DryRunPerson Person(CrmPerson person, PersonLink? link, DryRunNames names) =>
        new(person.PersonId, $"{person.FirstName} {person.LastName}".Trim() is { Length: > 0 } n ? n : person.Email, person.CompanyId, person.CompanyName,
            names.Associate(link?.CompanyAssociateId ?? person.CompanyAssociateId));

    private async Task<DryRunNames> NamesAsync(string tenant, IEnumerable<CrmList> lists, List<string> notes, CancellationToken cancellationToken)
    {
        var lookup = GrainFactory.GetGrain<ICrmLookupGrain>(tenant);
        var read = new Dictionary<CrmList, IReadOnlyList<CrmListItem>>();
        foreach (var list in lists)
        {
            try
            {
                read[list] = await lookup.GetListAsync(list, cancellationToken);
            }
            catch (CrmException ex)
            {
                notes.Add($"SuperOffice's {list} list could not be read ({ex.ErrorType}): those are shown by id only.");
            }
        }

        return new DryRunNames(read);
    }
}
