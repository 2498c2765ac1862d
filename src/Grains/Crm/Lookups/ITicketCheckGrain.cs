using System.Security.Cryptography;
using System.Text;

namespace Relay.Crm.Lookups;

/// <summary>
/// Admits a tenant's panel ticket checks (each a NetServer login): tickets checked lately are answered from memory
/// (a refused one for minutes, a valid one briefly, as SuperOffice opens a panel with the ticket every time), and
/// the rest share a small, fixed slice of the tenant's CRM budget, so a flood of made-up <c>usec</c> values costs
/// SuperOffice almost nothing and cannot starve the pipeline. Knows tickets only by their SHA-256
/// (<see cref="TicketHash"/>). One activation per tenant for the whole cluster, so every web replica and silo
/// shares the memory and the slice. Key: the tenant id.
/// </summary>
[Alias("relay.ITicketCheckGrain")]
public interface ITicketCheckGrain : IGrainWithStringKey
{
    /// <summary>Whether the ticket with this hash may be checked against NetServer now.</summary>
    [Alias("Admit")]
    Task<TicketCheckAdmission> AdmitAsync(string ticketHash);

    /// <summary>
    /// Remembers what NetServer said of the ticket with this hash: its user for <see cref="TicketCheckOptions.ValidMemory"/>,
    /// or (null) that it was refused, for <see cref="TicketCheckOptions.FailureMemory"/>.
    /// </summary>
    [Alias("Remember")]
    Task RememberAsync(string ticketHash, CrmUser? user);
}

/// <summary>
/// What <see cref="ITicketCheckGrain.AdmitAsync"/> decided: <see cref="RetryAfter"/> when <see cref="TicketCheckVerdict.Busy"/>,
/// the remembered <see cref="User"/> when <see cref="TicketCheckVerdict.ValidLately"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.ticket-check-admission")]
public sealed record TicketCheckAdmission([property: Id(0)] TicketCheckVerdict Verdict, [property: Id(1)] TimeSpan RetryAfter = default, [property: Id(2)] CrmUser? User = null)
{
    /// <summary>The <see cref="CrmException.ErrorType"/> of a ticket check refused because the tenant's slice for them is spent.</summary>
    public const string BusyErrorType = "TicketChecksBusy";
}

/// <summary>Whether a ticket check may go to NetServer.</summary>
[GenerateSerializer]
public enum TicketCheckVerdict
{
    /// <summary>Check it: a permit of the ticket checks' slice was taken.</summary>
    Check = 0,

    /// <summary>NetServer refused this ticket lately: it is not valid, and nobody asks again.</summary>
    RefusedLately = 1,

    /// <summary>The slice is spent for now: refuse quickly, without calling NetServer.</summary>
    Busy = 2,

    /// <summary>NetServer accepted this ticket moments ago: its user is in the answer.</summary>
    ValidLately = 3,
}

/// <summary>The ticket checks' memory and budget, section <c>Relay:Panels:TicketChecks</c> (read on the silos).</summary>
public sealed class TicketCheckOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay:Panels:TicketChecks";

    /// <summary>How long a refused ticket is answered from memory.</summary>
    public TimeSpan FailureMemory { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a valid ticket is answered from memory; a ticket SuperOffice revoked may pass for this long.</summary>
    public TimeSpan ValidMemory { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many checks may run at once after a quiet spell (a room of users opening SuperOffice).</summary>
    public int Burst { get; set; } = 5;

    /// <summary>The share of the tenant's <c>CrmCallsPerSecond</c> that ticket checks may use.</summary>
    public double BudgetShare { get; set; } = 0.1;

    /// <summary>The least rate of ticket checks per second, whatever the share comes to, so users can still sign in.</summary>
    public double MinimumPerSecond { get; set; } = 0.2;

    /// <summary>The most tickets remembered per tenant; the one due to be forgotten soonest goes first.</summary>
    public int MaxRemembered { get; set; } = 10_000;
}

/// <summary>How a ticket is known without being kept.</summary>
public static class TicketHash
{
    /// <summary>The hex SHA-256 of the ticket's UTF-8 bytes.</summary>
    public static string Of(string ticket) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ticket)));
}
