using System.Collections.Concurrent;
using System.Xml.Linq;

namespace Relay.Crm.NetServer;

/// <summary>
/// One NetServer ticket per tenant, from <c>SoPrincipal.AuthenticateUsernamePassword</c>, cached and renewed when
/// NetServer rejects it. Concurrent callers of one tenant share a single login.
/// </summary>
internal sealed class NetServerSessions
{
    private readonly ConcurrentDictionary<SessionKey, Session> _sessions = new();
    private readonly NetServerTransport _transport;
    private readonly CrmSecrets _secrets;

    public NetServerSessions(NetServerTransport transport, CrmSecrets secrets)
    {
        _transport = transport;
        _secrets = secrets;
    }

    /// <summary>The tenant's current ticket, logging in when there is none.</summary>
    public async Task<string> GetTicketAsync(CrmConnection connection, NetServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var session = _sessions.GetOrAdd(SessionKey.Of(connection), _ => new Session());
        return session.Ticket ?? await RenewAsync(connection, endpoint, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Logs in again unless another caller already replaced <paramref name="rejectedTicket"/>.</summary>
    public async Task<string> RenewAsync(CrmConnection connection, NetServerEndpoint endpoint, string? rejectedTicket, CancellationToken cancellationToken)
    {
        var session = _sessions.GetOrAdd(SessionKey.Of(connection), _ => new Session());
        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (session.Ticket is { } current && current != rejectedTicket)
            {
                return current;
            }

            session.Ticket = null;
            var login = await LoginAsync(connection, endpoint, connection.UserName, connection.Password, cancellationToken).ConfigureAwait(false);
            session.Ticket = login.Ticket ?? throw new CrmException(
                CrmErrorKind.Permanent,
                "AuthenticationFailed",
                $"Tenant {connection.TenantId}: SuperOffice refused the login of '{connection.UserName}'.");
            return session.Ticket;
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>
    /// Calls <c>SoPrincipal.AuthenticateUsernamePassword</c>. NetServer also accepts a ticket as user name with a
    /// blank password, which is how a user's ticket is resolved to its associate.
    /// </summary>
    public async Task<LoginResult> LoginAsync(CrmConnection connection, NetServerEndpoint endpoint, string? userName, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userName))
        {
            throw new CrmException(CrmErrorKind.Permanent, "MissingCredentials", $"Tenant {connection.TenantId} has no NetServer user name configured.");
        }

        // The stored password is protected; it is revealed only for the login request.
        var ns = endpoint.Namespace;
        var body = new XElement(ns + "AuthenticateUsernamePassword", new XElement(ns + "UserName", userName), new XElement(ns + "Password", _secrets.Reveal(password, connection.TenantId, "password") ?? string.Empty));
        var reply = await _transport.CallAsync(endpoint, "SoPrincipal", "AuthenticateUsernamePassword", body, connection.ApplicationToken, null, isWrite: false, cancellationToken)
            .ConfigureAwait(false);
        if (reply.Failed)
        {
            throw NetServerErrors.FromExceptionInfo(reply, "SoPrincipal", "AuthenticateUsernamePassword", notFound: null);
        }

        var succeeded = reply.Body.Text("AuthenticationSucceeded") == "true";
        var ticket = reply.Body.Child("Credentials").Text("Ticket");
        return new LoginResult(succeeded && !string.IsNullOrEmpty(ticket) ? ticket : null, succeeded ? reply.Body.Child("Response") : null);
    }

    /// <summary>Forgets every cached ticket (tests; credential changes).</summary>
    public void Clear() => _sessions.Clear();

    /// <summary>A login's ticket (null when refused) and principal carrier.</summary>
    public sealed record LoginResult(string? Ticket, XElement? Principal);

    private sealed record SessionKey(string TenantId, string BaseUrl, string Version, string? UserName, int PasswordHash)
    {
        public static SessionKey Of(CrmConnection c) =>
            new(c.TenantId, c.BaseUrl, c.ServicesVersion, c.UserName, StringComparer.Ordinal.GetHashCode(c.Password ?? string.Empty));
    }

    private sealed class Session
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string? Ticket { get; set; }
    }
}
