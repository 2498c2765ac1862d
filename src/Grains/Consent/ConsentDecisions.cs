using Relay.Contacts;
using Relay.Crm;
using Relay.Leads;

namespace Relay.Consent;

/// <summary>What reconciliation should do about one contact's purpose.</summary>
public enum ConsentResolution
{
    /// <summary>Both sides agree.</summary>
    InSync = 0,

    /// <summary>Relay's record is the latest: make SuperOffice agree.</summary>
    PushToCrm = 1,

    /// <summary>SuperOffice's state is the latest: take it into Relay.</summary>
    TakeFromCrm = 2,
}

/// <summary>
/// The consent rules as plain functions: applying a change (latest change wins), what a withdrawal of e-mail
/// marketing cancels, mapping Relay's purpose names to SuperOffice's list keys, and reconciliation.
/// </summary>
public static class ConsentDecisions
{
    /// <summary>The purpose whose withdrawal cancels a contact's pending marketing actions and its lead.</summary>
    public const string EmailMarketing = "email-marketing";

    private static readonly Dictionary<string, string> KnownKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        [EmailMarketing] = "EMAIL",
        ["storage"] = "STORE",
        ["consent"] = "CONSENT",
        ["legitimate-interest"] = "LEGITIMATEINTEREST",
        ["contract"] = "CONTRACT",
        ["legal-obligation"] = "LEGALOBLIGATION",
        ["vital-interest"] = "VITALINTEREST",
        ["public-interest"] = "PUBLICINTEREST",
        ["withdrawn"] = "WITHDRAWN",
    };

    /// <summary>
    /// SuperOffice's list key for a Relay name: the known GDPR names map to SuperOffice's built-in keys
    /// (<c>email-marketing</c> → <c>EMAIL</c>, <c>legitimate-interest</c> → <c>LEGITIMATEINTEREST</c>, …); any
    /// other name is upper-cased without dashes, so a tenant's own purposes keep working if created with that key.
    /// </summary>
    public static string ToCrmKey(string name) =>
        KnownKeys.TryGetValue(name, out var key) ? key : name.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>Relay's name for a SuperOffice key (the reverse of <see cref="ToCrmKey"/>; unknown keys lower-cased).</summary>
    public static string FromCrmKey(string key) =>
        KnownKeys.FirstOrDefault(k => string.Equals(k.Value, key, StringComparison.OrdinalIgnoreCase)).Key ?? key.ToLowerInvariant();

    /// <summary>
    /// Applies a change to the contact's consents; a change older than the record it would replace is ignored
    /// (latest change wins). Returns the new record, or null when it was ignored.
    /// </summary>
    public static ConsentRecord? Apply(Dictionary<string, ConsentRecord> consents, ConsentRecord change)
    {
        var key = change.Purpose.ToLowerInvariant();
        if (consents.TryGetValue(key, out var current) && current.ChangedAt > change.ChangedAt)
        {
            return null;
        }

        consents[key] = change with { Purpose = key };
        return consents[key];
    }

    /// <summary>Whether the record withdraws e-mail marketing, which cancels pending marketing.</summary>
    public static bool WithdrawsMarketing(ConsentRecord record) =>
        !record.Granted && string.Equals(record.Purpose, EmailMarketing, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Cancels what marketing had pending for the contact: every outbox action becomes a <see cref="OutcomeStatus.Cancelled"/>
    /// outcome (kept, not silently dropped), and a lead ends with a decision saying why. Returns how many actions.
    /// </summary>
    public static int CancelMarketing(ContactState state, DateTimeOffset now)
    {
        var cancelled = state.Outbox.Count;
        foreach (var item in state.Outbox)
        {
            ContactDecisions.RecordOutcome(state, new ActionOutcome(
                item.Key, item.TriggerId, item.AutomationId, item.ActionIndex, item.Action.Kind, OutcomeStatus.Cancelled, state.Link?.PersonId, null,
                "E-mail marketing consent withdrawn", "ConsentWithdrawn", item.Attempts, now));
        }

        state.Outbox.Clear();
        if (state.Lead is not null)
        {
            state.Lead = null;
            state.LeadIndexDirty = true;
            state.Decisions.Add(new LeadDecisionRecord(LeadDecisionKind.ConsentWithdrawn, SalesUser.Relay, now, null, null, cancelled));
        }

        return cancelled;
    }

    /// <summary>
    /// Latest change wins. SuperOffice's <c>Updated</c> time dates its side when it holds a consent. When it holds none
    /// but Relay's granted record had reached it (<see cref="ConsentRecord.SyncedAt"/>), someone removed it there after
    /// that, so SuperOffice is the later change; a record that never reached SuperOffice is pushed.
    /// </summary>
    public static ConsentResolution Reconcile(ConsentRecord relay, CrmConsentInfo? crm)
    {
        var crmGranted = crm is not null;
        if (relay.Granted == crmGranted && (!crmGranted || string.Equals(ToCrmKey(relay.LegalBasis), crm!.LegalBaseKey, StringComparison.OrdinalIgnoreCase)))
        {
            return ConsentResolution.InSync;
        }

        if (crm is not null)
        {
            return crm.Updated > relay.ChangedAt ? ConsentResolution.TakeFromCrm : ConsentResolution.PushToCrm;
        }

        return relay.SyncedAt is not null ? ConsentResolution.TakeFromCrm : ConsentResolution.PushToCrm;
    }

    /// <summary>The record that takes SuperOffice's state into Relay.</summary>
    public static ConsentRecord FromCrm(string purpose, CrmConsentInfo? crm, ConsentRecord? relay, DateTimeOffset now) =>
        crm is not null
            ? new ConsentRecord(purpose, FromCrmKey(crm.LegalBaseKey ?? "consent"), true, crm.SourceKey is null ? null : FromCrmKey(crm.SourceKey), crm.Comment, crm.Updated, ConsentOrigin.SuperOffice, now, now)
            : new ConsentRecord(purpose, relay?.LegalBasis ?? "consent", false, "superoffice", "Removed in SuperOffice", now, ConsentOrigin.SuperOffice, now, now);
}
