using Relay.Contacts;
using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.DryRun;

/// <summary>What a trigger would do, worked out with the contact's own decisions on a copy of its state.</summary>
public static class DryRunDecisions
{
    /// <summary>
    /// Accepts the trigger into <paramref name="copy"/> exactly as the contact would (<see cref="ContactDecisions.Accept"/>).
    /// A trigger the contact has seen would be dropped; it is weighed as if it were new, and the answer says so.
    /// </summary>
    public static DryRunAcceptance Accept(ContactState copy, Trigger trigger, TenantConfig config, DateTimeOffset now)
    {
        var duplicate = ContactDecisions.HasSeen(copy, trigger.Id);
        if (duplicate)
        {
            copy.RecentTriggerHashes.Remove(ContactDecisions.TriggerHash(trigger.Id));
            copy.RecentTriggerIds.Remove(trigger.Id);
        }

        var waiting = copy.Outbox.Count;
        ImmutableArray<AutomationVerdict> verdicts = [.. config.Automations.Select(a => AutomationMatcher.Judge(a, trigger, copy.RanOnce))];
        ContactDecisions.Accept(copy, trigger, config, now);
        return new(duplicate, verdicts, waiting);
    }

    /// <summary>
    /// Every action of the matched automations, in the order the contact would perform them, as the state stands once the
    /// person is resolved: the write it makes (<see cref="ActionExecutor.WriteFor"/>), or why it is not made.
    /// </summary>
    public static ImmutableArray<DryRunWrite> Writes(
        ContactState state, Trigger trigger, TenantConfig config, ImmutableArray<AutomationVerdict> verdicts, string contactId, DateTimeOffset now, DryRunNames names)
    {
        // Before a person is known the writes are made for a stand-in; the person's ids are left out of the answer.
        var link = state.Link ?? new PersonLink(0, null, null, LinkSource.Approved, now);
        var waiting = state.Link is not null ? DryRunWriteStatus.WouldWrite : state.Lead is not null ? DryRunWriteStatus.WaitsAsLead : DryRunWriteStatus.WaitsForPerson;
        var writes = ImmutableArray.CreateBuilder<DryRunWrite>();
        foreach (var automation in verdicts.Where(v => v.Kind == AutomationVerdictKind.Matched).Select(v => config.Automations.First(a => a.Id == v.AutomationId)))
        {
            for (var i = 0; i < automation.Actions.Length; i++)
            {
                var key = $"{trigger.Id}:{automation.Id}:{i}";
                var action = automation.Actions[i];
                var basic = new DryRunWrite(writes.Count + 1, automation.Id, automation.Name, i, action.Kind, waiting, What(action));
                if (state.Outbox.FirstOrDefault(o => o.Key == key) is { } item && ActionExecutor.WriteFor(config, contactId, link, item, now) is { } write)
                {
                    writes.Add(Describe(basic, write, action, state.Link, config, names));
                    continue;
                }

                var outcome = state.Outcomes.LastOrDefault(o => o.Key == key);
                writes.Add(basic with
                {
                    Status = outcome?.Status switch
                    {
                        OutcomeStatus.Coalesced => DryRunWriteStatus.Coalesced,
                        OutcomeStatus.Superseded => DryRunWriteStatus.Superseded,
                        _ => DryRunWriteStatus.NotQueued,
                    },
                    Target = Target(action, names),
                    Note = outcome?.Error ?? "not queued",
                });
            }
        }

        return writes.ToImmutable();
    }

    /// <summary>The lists whose names a dry run of these automations shows.</summary>
    public static IEnumerable<CrmList> ListsFor(IEnumerable<Automation> automations) =>
        automations.SelectMany(a => a.Actions).Select(action => action switch
        {
            CreateSaleAction => CrmList.SaleTypes,
            CreateTaskAction or NotifySalesRepAction => CrmList.TaskTypes,
            AddToSelectionAction or RemoveFromSelectionAction => CrmList.Selections,
            AddToProjectAction or RemoveFromProjectAction => CrmList.Projects,
            _ => CrmList.Interests,
        }).Append(CrmList.Associates).Distinct();

    /// <summary>What the action does, in words.</summary>
    public static string What(AutomationAction action) => action switch
    {
        CreateSaleAction => "Create a sale",
        CreateTaskAction => "Create a task (pending activity)",
        NotifySalesRepAction => "Notify the sales rep (completed activity)",
        AddToSelectionAction => "Add to selection",
        RemoveFromSelectionAction => "Remove from selection",
        AddToProjectAction => "Add to project",
        RemoveFromProjectAction => "Remove from project",
        AddInterestAction => "Select interest",
        RemoveInterestAction => "Deselect interest",
        _ => action.GetType().Name,
    };

    private static DryRunWrite Describe(DryRunWrite basic, ActionWrite write, AutomationAction action, PersonLink? link, TenantConfig config, DryRunNames names)
    {
        var person = link is null ? basic : basic with { PersonId = link.PersonId, CompanyId = link.CompanyId };
        var target = Target(action, names);
        return write switch
        {
            ActionWrite.CreateSale { Sale: var sale } => person with
            {
                Target = target, Heading = sale.Heading, Amount = sale.Amount, Probability = sale.Probability, Date = sale.SaleDate,
                Owner = names.Associate(sale.OwnerAssociateId), OwnerRule = OwnerRule(((CreateSaleAction)action).Owner, link, config), Reference = sale.Reference,
            },
            ActionWrite.CreateAppointment { Appointment: var appointment } => person with
            {
                Target = target, Description = appointment.Description, Date = appointment.Date,
                Owner = names.Associate(appointment.OwnerAssociateId), OwnerRule = OwnerRule(OwnerOf(action), link, config), Reference = appointment.Reference,
            },
            _ => person with { Target = target },
        };
    }

    private static NamedId? Target(AutomationAction action, DryRunNames names) => action switch
    {
        CreateSaleAction { SaleTypeId: { } id } => names.Of(CrmList.SaleTypes, id),
        CreateTaskAction { TaskTypeId: { } id } => names.Of(CrmList.TaskTypes, id),
        NotifySalesRepAction { TaskTypeId: { } id } => names.Of(CrmList.TaskTypes, id),
        AddToSelectionAction a => names.Of(CrmList.Selections, a.SelectionId),
        RemoveFromSelectionAction r => names.Of(CrmList.Selections, r.SelectionId),
        AddToProjectAction a => names.Of(CrmList.Projects, a.ProjectId),
        RemoveFromProjectAction r => names.Of(CrmList.Projects, r.ProjectId),
        AddInterestAction a => names.Of(CrmList.Interests, a.InterestId),
        RemoveInterestAction r => names.Of(CrmList.Interests, r.InterestId),
        _ => null,
    };

    private static ActionOwner OwnerOf(AutomationAction action) => action switch
    {
        CreateSaleAction s => s.Owner,
        CreateTaskAction t => t.Owner,
        NotifySalesRepAction n => n.Owner,
        _ => ActionOwner.CompanyAssociate,
    };

    private static string OwnerRule(ActionOwner owner, PersonLink? link, TenantConfig config) => (owner.Kind, link) switch
    {
        (OwnerKind.Associate, _) => "the automation's associate",
        (_, null) => "the company's associate once sales approves or links the lead; the tenant's default owner if it has none",
        (_, { CompanyAssociateId: not null }) => "the company's associate",
        _ when config.Settings.DefaultOwnerAssociateId is not null => "the tenant's default owner (the company has no associate)",
        _ => "SuperOffice chooses (the company has no associate and the tenant no default owner)",
    };
}

/// <summary>What <see cref="DryRunDecisions.Accept"/> found before the contact resolved.</summary>
/// <param name="Duplicate">The contact has seen the trigger id: a delivery of it would be dropped.</param>
/// <param name="Verdicts">Each automation of the tenant, in order: whether it runs, and why not.</param>
/// <param name="WaitingBefore">How many actions of the contact already waited ahead of this trigger's.</param>
public sealed record DryRunAcceptance(bool Duplicate, ImmutableArray<AutomationVerdict> Verdicts, int WaitingBefore);

/// <summary>Names from SuperOffice's lists, by list and id; a list that could not be read names nothing.</summary>
public sealed class DryRunNames(IReadOnlyDictionary<CrmList, IReadOnlyList<CrmListItem>> lists)
{
    /// <summary>The id with its name, if the list holds it.</summary>
    public NamedId Of(CrmList list, int id) =>
        new(id, lists.TryGetValue(list, out var items) ? items.FirstOrDefault(i => i.Id == id)?.Name : null);

    /// <summary>An associate with its name; null for none.</summary>
    public NamedId? Associate(int? id) => id is { } a ? Of(CrmList.Associates, a) : null;
}
