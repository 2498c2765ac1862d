using System.Text.RegularExpressions;

namespace Relay.Crm.NetServer;

/// <summary>Classifies failures NetServer reports in its <c>ExceptionInfo</c>/<c>Succeeded</c> response headers.</summary>
internal static partial class NetServerErrors
{
    // Exception types and messages that mean the ticket is no longer good; one re-login fixes them.
    private static readonly string[] TicketTypes = ["SoSessionExpiredException", "SoTicketExpiredException", "SoSecurityException", "SoCredentialsException", "SoAuthenticationException"];

    // Server-side conditions that pass: database timeouts and deadlocks, an overloaded or restarting server.
    private static readonly string[] TransientTypes = ["SqlException", "TimeoutException", "DeadlockException", "SoServerBusyException", "ServerTooBusyException", "DbException", "IOException"];

    /// <summary>Whether NetServer refused the call because the ticket expired or is unknown.</summary>
    public static bool IsTicketRejected(NetServerReply reply) => reply.Failed && IsTicketRejected(reply.ExceptionType, reply.ExceptionMessage);

    /// <summary>Whether NetServer's exception type and message say the ticket is no longer good.</summary>
    private static bool IsTicketRejected(string? exceptionType, string? exceptionMessage)
    {
        if (exceptionType is null)
        {
            return false;
        }

        var type = ShortType(exceptionType);
        var message = exceptionMessage ?? string.Empty;
        return TicketTypes.Contains(type, StringComparer.Ordinal)
            || (message.Contains("ticket", StringComparison.OrdinalIgnoreCase)
                && (message.Contains("expired", StringComparison.OrdinalIgnoreCase) || message.Contains("invalid", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// The classified exception for a failed reply. A missing entity becomes <c>{Entity}NotFound</c> (permanent),
    /// database and load problems are transient, everything else (validation, rights, arguments) is permanent.
    /// </summary>
    /// <param name="reply">The failed reply.</param>
    /// <param name="agent">Agent called.</param>
    /// <param name="operation">Operation called.</param>
    /// <param name="notFound">ErrorType for a not-found failure whose message names no entity, e.g. <c>SelectionNotFound</c>.</param>
    public static CrmException FromExceptionInfo(NetServerReply reply, string agent, string operation, string? notFound) =>
        reply.ExceptionType is null
            ? new CrmException(CrmErrorKind.Transient, "NotSucceeded", $"NetServer {agent}.{operation} reported Succeeded=false without ExceptionInfo.")
            : FromError(reply.ExceptionType, reply.ExceptionMessage, $"NetServer {agent}.{operation}", notFound);

    /// <summary>
    /// The classified exception for an error NetServer reported by its exception type and message, whichever protocol
    /// carried them (SOAP's <c>ExceptionInfo</c> header, the REST API's error object); <paramref name="call"/> names the call.
    /// </summary>
    public static CrmException FromError(string exceptionType, string? exceptionMessage, string call, string? notFound)
    {
        var type = ShortType(exceptionType);
        var message = $"{call} failed: {exceptionType}: {exceptionMessage}";
        var text = exceptionMessage ?? string.Empty;
        if (type.Contains("NotFound", StringComparison.Ordinal) || NotFoundPattern().IsMatch(text))
        {
            var entity = NotFoundPattern().Match(text) is { Success: true } m && m.Groups["entity"].Success ? EntityName(m.Groups["entity"].Value) : null;
            return new CrmException(CrmErrorKind.Permanent, entity is not null ? entity + "NotFound" : notFound ?? "NotFound", message);
        }

        if (TransientTypes.Contains(type, StringComparer.Ordinal)
            || text.Contains("deadlock", StringComparison.OrdinalIgnoreCase)
            || text.Contains("timeout", StringComparison.OrdinalIgnoreCase)
            || text.Contains("temporarily", StringComparison.OrdinalIgnoreCase))
        {
            return new CrmException(CrmErrorKind.Transient, StableName(type), message);
        }

        if (IsTicketRejected(exceptionType, exceptionMessage))
        {
            return new CrmException(CrmErrorKind.Permanent, "TicketRejected", message + " (even after logging in again)");
        }

        return new CrmException(CrmErrorKind.Permanent, StableName(type), message);
    }

    private static string ShortType(string type) => type[(type.LastIndexOf('.') + 1)..];

    /// <summary><c>SoValidationException</c> → <c>Validation</c>, <c>SqlException</c> → <c>Sql</c>.</summary>
    private static string StableName(string type)
    {
        var name = type.EndsWith("Exception", StringComparison.Ordinal) && type.Length > "Exception".Length ? type[..^"Exception".Length] : type;
        return name.Length > 2 && name.StartsWith("So", StringComparison.Ordinal) && char.IsUpper(name[2]) ? name[2..] : name;
    }

    private static string EntityName(string word) => word switch
    {
        "Contact" => "Company",
        "SaleType" => "SaleType",
        "Task" => "TaskType",
        _ => word,
    };

    [GeneratedRegex(@"^(?:(?<entity>[A-Z][A-Za-z]+) (?:with id )?\d+ (?:was not found|does not exist|not found))|not found|does not exist", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotFoundPattern();
}
