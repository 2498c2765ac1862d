using Relay.Contacts;
using Relay.Triggers;

namespace Relay.DeadLetters;

/// <summary>A trigger whose processing failed in a way no retry can cure, kept with the reason until it is replayed or discarded.</summary>
[GenerateSerializer, Immutable, Alias("relay.dead-letter")]
public sealed record DeadLetter(
    [property: Id(0)] string Id,
    [property: Id(1)] string ContactKey,
    [property: Id(2)] string? TriggerId,
    [property: Id(3)] string ErrorType,
    [property: Id(4)] string Reason,
    [property: Id(5)] TriggerEnvelope Envelope,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] int Times = 1);

/// <summary>A page of a tenant's dead letters, newest first, with counts per error type.</summary>
[GenerateSerializer, Immutable, Alias("relay.dead-letter-page")]
public sealed record DeadLetterPage(
    [property: Id(0)] int Total,
    [property: Id(1)] ImmutableDictionary<string, int> ByErrorType,
    [property: Id(2)] ImmutableArray<DeadLetter> Items);

/// <summary>Decides whether a trigger delivered to a contact can be processed at all.</summary>
public static class DeadLetterDecisions
{
    /// <summary>
    /// What makes the envelope unprocessable for the contact <paramref name="contactKey"/>, as (error type, reason);
    /// null when it is fit. The ingest API never sends such envelopes; another producer, or a bug, might.
    /// </summary>
    public static (string ErrorType, string Reason)? Inspect(TriggerEnvelope? envelope, string contactKey)
    {
        var (tenantId, contactId) = Contacts.ContactKey.Parse(contactKey);
        if (envelope?.Trigger is not { } trigger)
        {
            return ("MissingTrigger", "The stream event carries no trigger.");
        }

        if (string.IsNullOrEmpty(trigger.Id) || trigger.Id.Length > TriggerParser.MaxIdLength)
        {
            return ("InvalidTriggerId", $"The trigger id must be 1–{TriggerParser.MaxIdLength} characters.");
        }

        if (trigger.Contact is null)
        {
            return ("MissingContact", $"Trigger {trigger.Id} has no contact.");
        }

        if (!string.Equals(envelope.TenantId, tenantId, StringComparison.Ordinal) || !string.Equals(trigger.Contact.Id, contactId, StringComparison.Ordinal))
        {
            return ("WrongContact", $"Trigger {trigger.Id} is for contact '{trigger.Contact.Id}' of tenant '{envelope.TenantId}' but arrived on the stream of '{contactKey}'.");
        }

        return null;
    }

    /// <summary>The dead letter of an envelope, keyed by contact and trigger so a redelivery does not add a second one.</summary>
    public static DeadLetter Of(TriggerEnvelope envelope, string contactKey, string errorType, string reason, DateTimeOffset now)
    {
        var triggerId = envelope?.Trigger?.Id;
        return new DeadLetter($"{contactKey}:{triggerId ?? "?"}", contactKey, triggerId, errorType, reason, envelope!, now);
    }
}
