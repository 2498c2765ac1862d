using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static Relay.Crm.NetServer.Rest.RestJson;

namespace Relay.Crm.NetServer.Rest;

/// <summary>What every part of the REST adapter calls through: one agent call with the tenant's credentials, archive and find queries.</summary>
public sealed partial class NetServerRestCrm
{
    private static JsonObject Restriction(string column, string op, string value) => new()
    {
        ["Name"] = column,
        ["Operator"] = op,
        ["Values"] = new JsonArray(value),
        ["IsActive"] = true,
        ["InterOperator"] = "And",
    };

    /// <summary>The first page of <c>Find/FindFromRestrictionsColumns</c> for one restriction and one column.</summary>
    private Task<JsonNode?> FindAsync(
        CrmConnection connection, string provider, (string Column, string Operator, string Value) restriction, string column, int pageSize, string? notFound, CancellationToken cancellationToken) =>
        CallAsync(
            connection,
            "Find",
            "FindFromRestrictionsColumns",
            new JsonObject
            {
                ["Restrictions"] = new JsonArray(Restriction(restriction.Column, restriction.Operator, restriction.Value)),
                ["ProviderName"] = provider,
                ["DesiredColumns"] = new JsonArray(column),
                ["PageSize"] = pageSize,
                ["PageNumber"] = 0,
            },
            write: false,
            notFound,
            cancellationToken);

    private async Task<List<ArchiveRow>> ArchiveAsync(
        CrmConnection connection, string provider, string[] columns, (string Column, string Operator, string Value)[] restrictions, int page, int pageSize, CancellationToken cancellationToken)
    {
        var json = await CallAsync(
            connection,
            "Archive",
            "GetArchiveListByColumns",
            new JsonObject
            {
                ["ProviderName"] = provider,
                ["Columns"] = new JsonArray([.. columns.Select(c => (JsonNode)c)]),
                ["SortOrder"] = new JsonArray(),
                ["Restriction"] = new JsonArray([.. restrictions.Select(r => (JsonNode)Restriction(r.Column, r.Operator, r.Value))]),
                ["Entities"] = new JsonArray(),
                ["Page"] = page,
                ["PageSize"] = pageSize,
            },
            write: false,
            provider + "NotFound",
            cancellationToken).ConfigureAwait(false);
        return [.. Items(json).Select(RowOf)];
    }

    /// <summary>An agent call whose only parameter is a primary key in the query string (<c>Get…Entity</c>, <c>GetAssociate</c>).</summary>
    private Task<JsonNode?> CallAsync(CrmConnection connection, string agent, string operation, (string Name, int Value) query, string? notFound, CancellationToken cancellationToken) =>
        CallAsync(connection, agent, operation, query, body: null, write: false, notFound, cancellationToken);

    /// <summary>An agent call with a JSON body (or none).</summary>
    private Task<JsonNode?> CallAsync(CrmConnection connection, string agent, string operation, JsonNode? body, bool write, string? notFound, CancellationToken cancellationToken) =>
        CallAsync(connection, agent, operation, query: null, body, write, notFound, cancellationToken);

    /// <summary>
    /// One agent call: <c>POST {api}/v1/Agents/{agent}/{operation}</c>. Onsite it carries the tenant's user name and
    /// password (<c>Basic</c>); Online the system user's ticket (<c>SOTicket</c>, renewed once when refused) with
    /// Relay's <c>SO-AppToken</c>; with a user's ticket (<see cref="CrmConnection.UserTicket"/>) that ticket, and a refusal is final.
    /// </summary>
    private Task<JsonNode?> CallAsync(
        CrmConnection connection, string agent, string operation, (string Name, int Value)? query, JsonNode? body, bool write, string? notFound, CancellationToken cancellationToken) =>
        AtTenantAsync(
            connection,
            async (endpoint, applicationToken) =>
            {
                var call = $"NetServer REST {agent}/{operation}";
                var reply = await SendAsAsync(connection, endpoint, applicationToken, () => Post(endpoint.AgentUrl(agent, operation, query), body), call, write, cancellationToken).ConfigureAwait(false);
                return reply.Succeeded ? reply.Json : throw Failure(reply, agent, operation, notFound);
            },
            cancellationToken);

    /// <summary>Runs <paramref name="call"/> at the tenant's REST web API: onsite under its NetServer address; Online where its state says, following it when it moves.</summary>
    private Task<T> AtTenantAsync<T>(CrmConnection connection, Func<NetServerRestEndpoint, string?, Task<T>> call, CancellationToken cancellationToken) =>
        connection.Online is null
            ? call(NetServerRestEndpoint.From(connection), connection.ApplicationToken)
            : _online.RunAtStateAsync(connection, (state, applicationToken) => call(NetServerRestEndpoint.From(connection, state.ApiRoot), applicationToken), cancellationToken);

    /// <summary>Sends a request built by <paramref name="request"/> with the connection's credentials; 401 and 403 come back in the reply.</summary>
    private async Task<NetServerRestReply> SendAsAsync(
        CrmConnection connection, NetServerRestEndpoint endpoint, string? applicationToken, Func<HttpRequestMessage> request, string call, bool write, CancellationToken cancellationToken)
    {
        if (_addresses.CheckShape(endpoint.ApiRoot) is { } problem)
        {
            throw new CrmException(CrmErrorKind.Permanent, NetServerConnector.AddressNotAllowed, $"Tenant {endpoint.TenantId}: {problem}");
        }

        if (connection.UserTicket is { } userTicket)
        {
            var asUser = await SendAsync(endpoint, request, Ticket(userTicket), applicationToken, connection, call, write, cancellationToken).ConfigureAwait(false);
            return asUser.Status == HttpStatusCode.Unauthorized
                ? throw new CrmException(CrmErrorKind.Permanent, "UserTicketRejected", "SuperOffice no longer accepts your sign-in. Open the panel again from SuperOffice.")
                : asUser;
        }

        if (connection.Online is null)
        {
            var reply = await SendAsync(endpoint, request, Basic(connection), applicationToken, connection, call, write, cancellationToken).ConfigureAwait(false);
            return reply.Status == HttpStatusCode.Unauthorized
                ? throw new CrmException(CrmErrorKind.Permanent, "AuthenticationFailed", $"NetServer refused the user name or password (user '{connection.UserName}').")
                : reply;
        }

        var ticket = await _sessions.GetTicketAsync(connection, null, cancellationToken).ConfigureAwait(false);
        var first = await SendAsync(endpoint, request, Ticket(ticket), applicationToken, connection, call, write, cancellationToken).ConfigureAwait(false);
        if (first.Status != HttpStatusCode.Unauthorized)
        {
            return first;
        }

        ticket = await _sessions.RenewAsync(connection, null, ticket, cancellationToken).ConfigureAwait(false);
        var second = await SendAsync(endpoint, request, Ticket(ticket), applicationToken, connection, call, write, cancellationToken).ConfigureAwait(false);
        return second.Status == HttpStatusCode.Unauthorized
            ? throw new CrmException(CrmErrorKind.Permanent, "TicketRejected", $"{call}: NetServer refused the system user's ticket even after signing in again.")
            : second;
    }

    private async Task<NetServerRestReply> SendAsync(
        NetServerRestEndpoint endpoint, Func<HttpRequestMessage> create, AuthenticationHeaderValue authorization, string? applicationToken, CrmConnection connection, string call, bool write, CancellationToken cancellationToken)
    {
        using var request = create();
        request.Headers.Authorization = authorization;
        if (_secrets.Reveal(applicationToken, connection.TenantId, "application token") is { Length: > 0 } appToken)
        {
            request.Headers.TryAddWithoutValidation("SO-AppToken", appToken);
        }

        // Dates are read and written in UTC, as the SOAP adapter's TimeZone header asks; list names in one language.
        request.Headers.TryAddWithoutValidation("SO-TimeZone", _options.TimeZoneLocationCode);
        request.Headers.TryAddWithoutValidation("SO-Language", _options.RestLanguage);
        return await NetServerRestHttp.SendAsync(Http, request, endpoint.TenantId, call, write, _options.MaxReceivedMessageSize, cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage Post(Uri url, JsonNode? body) => new(HttpMethod.Post, url)
    {
        Content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
    };

    /// <summary>A ticket as the REST web API takes it: an access token (<c>8A:</c>) as <c>Bearer</c>, a NetServer ticket as <c>SOTicket</c>.</summary>
    private static AuthenticationHeaderValue Ticket(string ticket) =>
        ticket.StartsWith("8A:", StringComparison.Ordinal) ? new("Bearer", ticket) : new("SOTicket", ticket.Trim());

    /// <summary>The tenant's user name and password; the stored password is revealed only for the request.</summary>
    private AuthenticationHeaderValue Basic(CrmConnection connection)
    {
        if (string.IsNullOrEmpty(connection.UserName))
        {
            throw new CrmException(CrmErrorKind.Permanent, "MissingCredentials", $"Tenant {connection.TenantId} has no NetServer user name configured.");
        }

        var password = _secrets.Reveal(connection.Password, connection.TenantId, "password") ?? string.Empty;
        return new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{connection.UserName}:{password}")));
    }

    /// <summary>
    /// NetServer's refusal as the SOAP adapter classifies its <c>ExceptionInfo</c>: a missing entity permanent, database and
    /// load problems transient, the rest (validation, rights, a request NetServer cannot read) permanent.
    /// </summary>
    private static CrmException Failure(NetServerRestReply reply, string agent, string operation, string? notFound) =>
        NetServerErrors.FromError(reply.ErrorType ?? "SoException", reply.ErrorMessage, $"NetServer {agent}.{operation}", notFound);

    /// <summary>An archive row of the REST web API: <c>ColumnData</c> is an object keyed by column, its display values encoded as over SOAP.</summary>
    private static ArchiveRow RowOf(JsonNode item)
    {
        var columns = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (Member(item, "ColumnData") is JsonObject data)
        {
            foreach (var (key, value) in data)
            {
                columns.TryAdd(key, NetServerXml.Decode(Str(value, "DisplayValue")));
            }
        }

        return new ArchiveRow(Int(item, "PrimaryKey"), columns);
    }
}
