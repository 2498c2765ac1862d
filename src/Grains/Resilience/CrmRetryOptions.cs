namespace Relay.Resilience;

/// <summary>How a contact's failed CRM actions are tried again, section <c>Relay:Crm:Retry</c>.</summary>
/// <remarks>
/// A transient failure (a 5xx, a dropped connection, a timeout) puts the action back with an exponential backoff
/// from one second, doubling up to <see cref="MaxBackoff"/>, with ±20% jitter. Attempts are not capped: an action
/// waits for its CRM for as long as it takes, and only a permanent error parks it.
/// </remarks>
public sealed class CrmRetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay:Crm:Retry";

    /// <summary>The longest wait between two attempts of an action (and of a contact's person lookup or consent sync).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long after a membership or interest change whose outcome was uncertain SuperOffice may still commit it: until
    /// then a later, different change of the same target waits, so that a late commit cannot undo it. Keep it above the
    /// longest NetServer may hold a request.
    /// </summary>
    public TimeSpan SetOperationSettle { get; set; } = TimeSpan.FromMinutes(2);
}
