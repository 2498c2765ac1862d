using Relay.Crm;
using Relay.Triggers;

namespace Relay.Events;

/// <summary>Why a sale or appointment Relay created exists: the trigger, automation, content and contact behind it.</summary>
[GenerateSerializer, Immutable, Alias("relay.event-details")]
public sealed record EventDetails(
    [property: Id(0)] CrmObjectKind ObjectKind,
    [property: Id(1)] int ObjectId,
    [property: Id(2)] ActionKind Action,
    [property: Id(3)] string TriggerId,
    [property: Id(4)] TriggerType TriggerType,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] string AutomationId,
    [property: Id(7)] string? AutomationName,
    [property: Id(8)] ContentRef? Content,
    [property: Id(9)] string? LinkUrl,
    [property: Id(10)] string ContactId,
    [property: Id(11)] string ContactName,
    [property: Id(12)] int? PersonId,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] string IdempotencyKey,
    [property: Id(15)] string? EventName = null);

/// <summary>The event details of one object Relay created. Key: <c>{tenant}:{sale|appointment}:{id}</c>.</summary>
[Alias("relay.ICrmObjectGrain")]
public interface ICrmObjectGrain : IGrainWithStringKey
{
    /// <summary>Records the details; recording the same details again changes nothing.</summary>
    [Alias("Put")]
    Task PutAsync(EventDetails details);

    /// <summary>The details, or null when Relay did not create this object.</summary>
    [Alias("Get")]
    Task<EventDetails?> GetAsync();

    /// <summary>
    /// Drops what names the contact from the details (it was erased): its name and the clicked link; the object's
    /// provenance (trigger, automation, content, times) stays. Details of another contact are left as they are.
    /// </summary>
    [Alias("EraseContact")]
    Task EraseContactAsync(string contactId);
}

/// <summary>Keys of <see cref="ICrmObjectGrain"/>.</summary>
public static class CrmObjectKey
{
    /// <summary>The key of a tenant's created object.</summary>
    public static string Of(string tenantId, CrmObjectKind kind, int id) =>
        $"{tenantId}:{(kind == CrmObjectKind.Sale ? "sale" : "appointment")}:{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <inheritdoc cref="ICrmObjectGrain"/>
public sealed class CrmObjectGrain(
    [Orleans.Runtime.PersistentState("event", RelayStorage.Name)] Orleans.Runtime.IPersistentState<CrmObjectState> state) : Grain, ICrmObjectGrain
{
    async Task ICrmObjectGrain.PutAsync(EventDetails details)
    {
        if (state.State.Details == details)
        {
            return;
        }

        state.State.Details = details;
        await state.WriteStateAsync();
    }

    Task<EventDetails?> ICrmObjectGrain.GetAsync() => Task.FromResult(state.State.Details);

    async Task ICrmObjectGrain.EraseContactAsync(string contactId)
    {
        if (state.State.Details is { } details && details.ContactId == contactId
            && (details.ContactName != Contacts.ContactErasure.ErasedName || details.LinkUrl is not null))
        {
            state.State.Details = details with { ContactName = Contacts.ContactErasure.ErasedName, LinkUrl = null };
            await state.WriteStateAsync();
        }
    }
}

/// <summary>What a created object's grain stores.</summary>
[GenerateSerializer, Alias("relay.crm-object-state")]
public sealed class CrmObjectState
{
    /// <summary>The details, once recorded.</summary>
    [Id(0)]
    public EventDetails? Details { get; set; }
}
