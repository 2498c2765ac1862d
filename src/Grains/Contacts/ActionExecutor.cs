using System.Security.Cryptography;
using System.Text;
using Relay.Crm;
using Relay.Hosting;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Contacts;

/// <summary>Turns an outbox item into the one CRM call it stands for.</summary>
public sealed class ActionExecutor(ICrm crm, RelayClock time)
{
    /// <summary>
    /// Performs the action for the linked person and returns the id of what it created, if anything.
    /// A create whose earlier attempt may have committed is first looked up by its reference, so it is
    /// never made twice.
    /// </summary>
    public async Task<int?> ExecuteAsync(TenantConfig config, string contactId, PersonLink link, OutboxItem item, CancellationToken cancellationToken)
    {
        var connection = config.Connection;
        switch (WriteFor(config, contactId, link, item, time.GetUtcNow()))
        {
            case ActionWrite.CreateSale { Sale: var sale }:
                return await CreateOnceAsync(connection, CrmObjectKind.Sale, sale.Reference, item, () => crm.CreateSaleAsync(connection, sale, cancellationToken), cancellationToken);
            case ActionWrite.CreateAppointment { Appointment: var appointment }:
                return await CreateOnceAsync(connection, CrmObjectKind.Appointment, appointment.Reference, item, () => crm.CreateAppointmentAsync(connection, appointment, cancellationToken), cancellationToken);
            case ActionWrite.SelectionMembership s:
                await crm.SetSelectionMembershipAsync(connection, s.SelectionId, s.Person, s.Member, cancellationToken);
                return null;
            case ActionWrite.ProjectMembership p:
                await crm.SetProjectMembershipAsync(connection, p.ProjectId, p.Person, p.Member, cancellationToken);
                return null;
            case ActionWrite.PersonInterest i:
                await crm.SetPersonInterestAsync(connection, i.PersonId, i.InterestId, i.Selected, cancellationToken);
                return null;
            default:
                throw new CrmException(CrmErrorKind.Permanent, "UnknownAction", $"Relay cannot perform a {item.Action.GetType().Name}.");
        }
    }

    /// <summary>
    /// The one CRM write an outbox item stands for, made for the linked person at <paramref name="now"/>: what
    /// <see cref="ExecuteAsync"/> sends, and what a dry run shows. Null for an action Relay cannot perform.
    /// </summary>
    public static ActionWrite? WriteFor(TenantConfig config, string contactId, PersonLink link, OutboxItem item, DateTimeOffset now)
    {
        var reference = ReferenceFor(config.TenantId, contactId, item.Key);
        return item.Action switch
        {
            CreateSaleAction sale => new ActionWrite.CreateSale(new NewSale(
                link.Ref, sale.Heading, sale.Amount, sale.SaleTypeId, sale.Probability,
                ContactDecisions.OwnerFor(sale.Owner, link, config.Settings), reference, now)),
            CreateTaskAction task => new ActionWrite.CreateAppointment(new NewAppointment(
                link.Ref, task.TaskTypeId, Describe(task.Description, item), now.AddDays(task.DueInDays), Completed: false,
                ContactDecisions.OwnerFor(task.Owner, link, config.Settings), reference)),
            NotifySalesRepAction notify => new ActionWrite.CreateAppointment(new NewAppointment(
                link.Ref, notify.TaskTypeId, Describe(notify.Description, item), now, Completed: true,
                ContactDecisions.OwnerFor(notify.Owner, link, config.Settings), reference)),
            AddToSelectionAction a => new ActionWrite.SelectionMembership(a.SelectionId, link.Ref, Member: true),
            RemoveFromSelectionAction r => new ActionWrite.SelectionMembership(r.SelectionId, link.Ref, Member: false),
            AddToProjectAction a => new ActionWrite.ProjectMembership(a.ProjectId, link.Ref, Member: true),
            RemoveFromProjectAction r => new ActionWrite.ProjectMembership(r.ProjectId, link.Ref, Member: false),
            AddInterestAction a => new ActionWrite.PersonInterest(link.PersonId, a.InterestId, Selected: true),
            RemoveInterestAction r => new ActionWrite.PersonInterest(link.PersonId, r.InterestId, Selected: false),
            _ => null,
        };
    }

    /// <summary>
    /// The short reference that travels with a created object: the same for every attempt of one
    /// action, different for every other action, tenant and contact.
    /// </summary>
    public static string ReferenceFor(string tenantId, string contactId, string itemKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId}\n{contactId}\n{itemKey}"));
        return "RLY-" + Convert.ToHexString(hash, 0, 8);
    }

    /// <summary>The text of an activity: the automation's words, then what caused it.</summary>
    public static string Describe(string description, OutboxItem item)
    {
        var cause = new StringBuilder();
        cause.Append(item.TriggerType.ToName());
        if (item.Content is { } content)
        {
            cause.Append(" · ").Append(content.Name ?? content.Id);
        }

        if (item.LinkUrl is { } url)
        {
            cause.Append(" · ").Append(url);
        }

        return $"{description}\n\n{cause} ({item.OccurredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC)";
    }

    private async Task<int> CreateOnceAsync(CrmConnection connection, CrmObjectKind kind, string reference, OutboxItem item, Func<Task<int>> create, CancellationToken cancellationToken)
    {
        if (item.OutcomeUncertain && await crm.FindCreatedObjectAsync(connection, kind, reference, cancellationToken) is { } existing)
        {
            return existing.Id;
        }

        return await create();
    }
}

/// <summary>One CRM write an action makes (<see cref="ActionExecutor.WriteFor"/>).</summary>
[GenerateSerializer, Immutable, Alias("relay.action-write")]
public abstract record ActionWrite
{
    /// <summary>Create a sale.</summary>
    [GenerateSerializer, Immutable, Alias("relay.action-write.sale")]
    public sealed record CreateSale([property: Id(0)] NewSale Sale) : ActionWrite;

    /// <summary>Create an appointment: a task, or a completed activity that notifies the rep.</summary>
    [GenerateSerializer, Immutable, Alias("relay.action-write.appointment")]
    public sealed record CreateAppointment([property: Id(0)] NewAppointment Appointment) : ActionWrite;

    /// <summary>Add the person to a static selection, or remove it.</summary>
    [GenerateSerializer, Immutable, Alias("relay.action-write.selection")]
    public sealed record SelectionMembership([property: Id(0)] int SelectionId, [property: Id(1)] CrmPersonRef Person, [property: Id(2)] bool Member) : ActionWrite;

    /// <summary>Add the person to a project, or remove it.</summary>
    [GenerateSerializer, Immutable, Alias("relay.action-write.project")]
    public sealed record ProjectMembership([property: Id(0)] int ProjectId, [property: Id(1)] CrmPersonRef Person, [property: Id(2)] bool Member) : ActionWrite;

    /// <summary>Select or deselect one of the person's interests.</summary>
    [GenerateSerializer, Immutable, Alias("relay.action-write.interest")]
    public sealed record PersonInterest([property: Id(0)] int PersonId, [property: Id(1)] int InterestId, [property: Id(2)] bool Selected) : ActionWrite;
}
