using System.Collections.Concurrent;
using System.Xml.Linq;
using Relay.Crm.Online;

namespace Relay.Crm.NetServer;

/// <summary>
/// One NetServer ticket per tenant, cached and renewed when NetServer rejects it: from
/// <c>SoPrincipal.AuthenticateUsernamePassword</c> onsite, from the system user's sign-in (<see cref="SystemUserSignIn"/>)
/// for an Online tenant, whose ticket is also renewed once the token that carried it expired. Concurrent callers of one
/// tenant share a single login.
/// </summary>
internal sealed class NetServerSessions
{
    private readonly ConcurrentDictionary<SessionKey, Session> _sessions = new();
    private readonly NetServerTransport? _transport;
    private readonly CrmSecrets _secrets;
    private readonly SystemUserSignIn? _systemUser;
    private readonly TimeProvider _time;

    /// <summary>
    /// Creates the sessions; without a SOAP <paramref name="transport"/> (the REST adapter) only Online tenants' system
    /// users sign in here, since an onsite REST call carries its user's credentials itself.
    /// </summary>
    public NetServerSessions(NetServerTransport? transport, CrmSecrets secrets, SystemUserSignIn? systemUser = null, TimeProvider? time = null)
    {
        _transport = transport;
        _secrets = secrets;
        _systemUser = systemUser;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The tenant's current ticket, logging in when there is none or it is known to have expired.</summary>
    public async Task<string> GetTicketAsync(CrmConnection connection, NetServerEndpoint? endpoint, CancellationToken cancellationToken)
    {
        var session = _sessions.GetOrAdd(SessionKey.Of(connection), _ => new Session());
        return session.Ticket is { } ticket && !(session.ExpiresAt <= _time.GetUtcNow())
            ? ticket
            : await RenewAsync(connection, endpoint, session.Ticket, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Logs in again unless another caller already replaced <paramref name="rejectedTicket"/>.</summary>
    public async Task<string> RenewAsync(CrmConnection connection, NetServerEndpoint? endpoint, string? rejectedTicket, CancellationToken cancellationToken)
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
            if (connection.Online is not null)
            {
                var systemUser = await (_systemUser ?? throw new CrmException(CrmErrorKind.Permanent, OnlineErrors.OnlineNotConfigured, $"Tenant {connection.TenantId}: this adapter has no Online sign-in."))
                    .SignInAsync(connection, cancellationToken).ConfigureAwait(false);
                session.ExpiresAt = systemUser.ExpiresAt;
                session.Ticket = systemUser.Ticket;
                return session.Ticket;
            }

            var login = await LoginAsync(connection, endpoint ?? throw new InvalidOperationException("An onsite login needs the NetServer endpoint."), connection.ApplicationToken, connection.UserName, connection.Password, cancellationToken).ConfigureAwait(false);
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
    public async Task<LoginResult> LoginAsync(
        CrmConnection connection, NetServerEndpoint endpoint, string? applicationToken, string? userName, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userName))
        {
            throw new CrmException(CrmErrorKind.Permanent, "MissingCredentials", $"Tenant {connection.TenantId} has no NetServer user name configured.");
        }

        // The stored password is protected; it is revealed only for the login request.
        var ns = endpoint.Namespace;
        var body = new XElement(ns + "AuthenticateUsernamePassword", new XElement(ns + "UserName", userName), new XElement(ns + "Password", _secrets.Reveal(password, connection.TenantId, "password") ?? string.Empty));
        var transport = _transport ?? throw new InvalidOperationException("These sessions have no SOAP transport to log in with.");
        var reply = await transport.CallAsync(endpoint, "SoPrincipal", "AuthenticateUsernamePassword", body, applicationToken, null, isWrite: false, cancellationToken)
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

    /// <summary>Who signs in where: an Online tenant's system user is its environment, context and token.</summary>
    private sealed record SessionKey(string TenantId, string BaseUrl, string Version, string? UserName, int PasswordHash)
    {
        public static SessionKey Of(CrmConnection c) => c.Online is { } online
            ? new(c.TenantId, $"online:{online.Environment}/{online.ContextIdentifier}".ToUpperInvariant(), string.Empty, null, StringComparer.Ordinal.GetHashCode(online.SystemUserToken ?? string.Empty))
            : new(c.TenantId, c.BaseUrl, c.ServicesVersion, c.UserName, StringComparer.Ordinal.GetHashCode(c.Password ?? string.Empty));
    }

    private sealed class Session
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string? Ticket { get; set; }

        /// <summary>When the ticket is known to expire (an Online system user's token); null when only NetServer knows.</summary>
        public DateTimeOffset? ExpiresAt { get; set; }
    }
}
