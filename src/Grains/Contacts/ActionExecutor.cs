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
        var reference = ReferenceFor(config.TenantId, contactId, item.Key);
        var now = time.GetUtcNow();
        switch (item.Action)
        {
            case CreateSaleAction sale:
                return await CreateOnceAsync(connection, CrmObjectKind.Sale, reference, item, () => crm.CreateSaleAsync(connection, new NewSale(
                    link.Ref, sale.Heading, sale.Amount, sale.SaleTypeId, sale.Probability,
                    ContactDecisions.OwnerFor(sale.Owner, link, config.Settings), reference, now), cancellationToken), cancellationToken);
            case CreateTaskAction task:
                return await CreateOnceAsync(connection, CrmObjectKind.Appointment, reference, item, () => crm.CreateAppointmentAsync(connection, new NewAppointment(
                    link.Ref, task.TaskTypeId, Describe(task.Description, item), now.AddDays(task.DueInDays), Completed: false,
                    ContactDecisions.OwnerFor(task.Owner, link, config.Settings), reference), cancellationToken), cancellationToken);
            case NotifySalesRepAction notify:
                return await CreateOnceAsync(connection, CrmObjectKind.Appointment, reference, item, () => crm.CreateAppointmentAsync(connection, new NewAppointment(
                    link.Ref, notify.TaskTypeId, Describe(notify.Description, item), now, Completed: true,
                    ContactDecisions.OwnerFor(notify.Owner, link, config.Settings), reference), cancellationToken), cancellationToken);
            case AddToSelectionAction a:
                await crm.SetSelectionMembershipAsync(connection, a.SelectionId, link.Ref, member: true, cancellationToken);
                return null;
            case RemoveFromSelectionAction r:
                await crm.SetSelectionMembershipAsync(connection, r.SelectionId, link.Ref, member: false, cancellationToken);
                return null;
            case AddToProjectAction a:
                await crm.SetProjectMembershipAsync(connection, a.ProjectId, link.Ref, member: true, cancellationToken);
                return null;
            case RemoveFromProjectAction r:
                await crm.SetProjectMembershipAsync(connection, r.ProjectId, link.Ref, member: false, cancellationToken);
                return null;
            case AddInterestAction a:
                await crm.SetPersonInterestAsync(connection, link.PersonId, a.InterestId, selected: true, cancellationToken);
                return null;
            case RemoveInterestAction r:
                await crm.SetPersonInterestAsync(connection, link.PersonId, r.InterestId, selected: false, cancellationToken);
                return null;
            default:
                throw new CrmException(CrmErrorKind.Permanent, "UnknownAction", $"Relay cannot perform a {item.Action.GetType().Name}.");
        }
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
