using System.Xml.Linq;
using static Relay.Crm.NetServer.NetServerXml;

namespace Relay.Crm.NetServer;

/// <summary>What every part of the NetServer adapter calls through: one NetServer call with the tenant's ticket, archive and find queries.</summary>
public sealed partial class NetServerCrm
{
    /// <summary>The first page of <c>Find.FindFromRestrictionsColumns</c> for one restriction and one column.</summary>
    private Task<XElement> FindAsync(
        CrmConnection connection, string provider, (string Column, string Operator, string Value) restriction, string column, int pageSize, string? notFound, CancellationToken cancellationToken) =>
        CallAsync(
            connection,
            "Find",
            "FindFromRestrictionsColumns",
            ns =>
            [
                new XElement(ns + "Restrictions", Restriction(ns, restriction.Column, restriction.Operator, restriction.Value)),
                new XElement(ns + "ProviderName", provider),
                Strings(ns + "DesiredColumns", [column]),
                new XElement(ns + "PageSize", Format(pageSize)),
                new XElement(ns + "PageNumber", "0"),
            ],
            write: false,
            notFound,
            cancellationToken);

    private static XElement Restriction(XNamespace ns, string column, string op, string value) =>
        new(
            ns + "ArchiveRestrictionInfo",
            new XElement(ns + "Name", column),
            new XElement(ns + "Operator", op),
            Strings(ns + "Values", [value]),
            new XElement(ns + "IsActive", "true"),
            new XElement(ns + "InterOperator", "And"));

    private async Task<List<ArchiveRow>> ArchiveAsync(
        CrmConnection connection, string provider, string[] columns, (string Column, string Operator, string Value)[] restrictions, int page, int pageSize, CancellationToken cancellationToken)
    {
        var body = await CallAsync(
            connection,
            "Archive",
            "GetArchiveListByColumns",
            ns =>
            [
                new XElement(ns + "ProviderName", provider),
                Strings(ns + "Columns", columns),
                new XElement(ns + "SortOrder"),
                new XElement(ns + "Restriction", restrictions.Select(r => Restriction(ns, r.Column, r.Operator, r.Value))),
                Strings(ns + "Entities", []),
                new XElement(ns + "Page", Format(page)),
                new XElement(ns + "PageSize", Format(pageSize)),
            ],
            write: false,
            provider + "NotFound",
            cancellationToken).ConfigureAwait(false);
        return [.. body.Child("Response").Children("ArchiveListItem").Select(RowOf)];
    }

    /// <summary>
    /// One NetServer call with the tenant's ticket; a rejected ticket is renewed and the call made once more. With a
    /// user's ticket (<see cref="CrmConnection.UserTicket"/>) the call runs as that user, and a rejected one is final:
    /// Relay cannot sign in as the user again.
    /// </summary>
    private Task<XElement> CallAsync(
        CrmConnection connection, string agent, string operation, Func<XNamespace, object[]> content, bool write, string? notFound, CancellationToken cancellationToken) =>
        AtTenantAsync(connection, (endpoint, applicationToken) => CallAtAsync(connection, endpoint, applicationToken, agent, operation, content, write, notFound, cancellationToken), cancellationToken);

    /// <summary>
    /// Runs <paramref name="call"/> at the tenant's NetServer with its application token: onsite as configured; Online at
    /// the host the tenant's state names, with Relay's own token, following the tenant when it moves.
    /// </summary>
    private Task<T> AtTenantAsync<T>(CrmConnection connection, Func<NetServerEndpoint, string?, Task<T>> call, CancellationToken cancellationToken) =>
        connection.Online is null
            ? call(NetServerEndpoint.From(connection), connection.ApplicationToken)
            : _online.RunAsync(connection, call, cancellationToken);

    private async Task<XElement> CallAtAsync(
        CrmConnection connection,
        NetServerEndpoint endpoint,
        string? applicationToken,
        string agent,
        string operation,
        Func<XNamespace, object[]> content,
        bool write,
        string? notFound,
        CancellationToken cancellationToken)
    {
        var body = new XElement(endpoint.Namespace + operation, new XAttribute(XNamespace.Xmlns + "i", Xsi.NamespaceName), content(endpoint.Namespace));
        if (connection.UserTicket is { } userTicket)
        {
            var asUser = await _transport.CallAsync(endpoint, agent, operation, body, applicationToken, userTicket, write, cancellationToken).ConfigureAwait(false);
            return NetServerErrors.IsTicketRejected(asUser)
                ? throw new CrmException(CrmErrorKind.Permanent, "UserTicketRejected", "SuperOffice no longer accepts your sign-in. Open the panel again from SuperOffice.")
                : asUser.Failed ? throw NetServerErrors.FromExceptionInfo(asUser, agent, operation, notFound) : asUser.Body;
        }

        var ticket = await _sessions.GetTicketAsync(connection, endpoint, cancellationToken).ConfigureAwait(false);
        var reply = await _transport.CallAsync(endpoint, agent, operation, body, applicationToken, ticket, write, cancellationToken).ConfigureAwait(false);
        if (NetServerErrors.IsTicketRejected(reply))
        {
            ticket = await _sessions.RenewAsync(connection, endpoint, ticket, cancellationToken).ConfigureAwait(false);
            reply = await _transport.CallAsync(endpoint, agent, operation, body, applicationToken, ticket, write, cancellationToken).ConfigureAwait(false);
        }

        return reply.Failed ? throw NetServerErrors.FromExceptionInfo(reply, agent, operation, notFound) : reply.Body;
    }

    /// <summary>An archive row of SOAP's <c>ColumnDataDictionary</c>: key-value pairs whose display values are decoded.</summary>
    private static ArchiveRow RowOf(XElement item) => new(
        item.Number("PrimaryKey"),
        item.Child("ColumnData").Children("ColumnDataKeyValuePair")
            .GroupBy(p => p.Text("Key") ?? string.Empty, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => Decode(g.First().Child("Value").Text("DisplayValue")), StringComparer.OrdinalIgnoreCase));
}
