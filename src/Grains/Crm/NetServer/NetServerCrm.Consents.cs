using System.Xml.Linq;
using static Relay.Crm.NetServer.NetServerQueries;
using static Relay.Crm.NetServer.NetServerXml;

namespace Relay.Crm.NetServer;

/// <summary>The NetServer adapter's <see cref="ICrmConsents"/> part: <c>Person.SetConsent</c>, <c>RemoveConsent</c> and <c>GetConsentInfos</c> (Services88).</summary>
public sealed partial class NetServerCrm : ICrmConsents
{
    public async Task SetConsentAsync(CrmConnection connection, int personId, CrmConsent consent, CancellationToken cancellationToken = default)
    {
        RequireConsents(connection);
        await CallAsync(
            connection,
            "Person",
            "SetConsent",
            ns =>
            [
                new XElement(ns + "PersonId", Format(personId)),
                new XElement(ns + "Purpose", consent.PurposeKey),
                new XElement(ns + "Source", consent.SourceKey ?? string.Empty),
                new XElement(ns + "LegalBase", consent.LegalBaseKey),
                new XElement(ns + "Comment", consent.Comment ?? string.Empty),
            ],
            write: true,
            "PersonNotFound",
            cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveConsentAsync(CrmConnection connection, int personId, string purposeKey, CancellationToken cancellationToken = default)
    {
        RequireConsents(connection);
        await CallAsync(
            connection,
            "Person",
            "RemoveConsent",
            ns => [new XElement(ns + "PersonId", Format(personId)), new XElement(ns + "Purpose", purposeKey)],
            write: true,
            "PersonNotFound",
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CrmConsentInfo>> GetConsentsAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default)
    {
        RequireConsents(connection);
        var body = await CallAsync(connection, "Person", "GetConsentInfos", ns => [new XElement(ns + "PersonId", Format(personId))], write: false, "PersonNotFound", cancellationToken)
            .ConfigureAwait(false);
        return [.. body.Child("Response").Children("ConsentInfo")
            .Where(i => !string.IsNullOrEmpty(i.Text("ConsentPurposeKey")))
            .Select(i => new CrmConsentInfo(
                i.Text("ConsentPurposeKey")!, i.Text("LegalBaseKey"), i.Text("ConsentSourceKey"), i.Text("Comment"), UtcDate(i.Text("Registered")), UtcDate(i.Text("Updated"))))];
    }

    /// <summary>Consent operations exist from NetServer 8.x; a Services75 installation has none to call.</summary>
    private static void RequireConsents(CrmConnection connection)
    {
        if (connection.ServicesVersion == "75")
        {
            throw new CrmException(CrmErrorKind.Permanent, "ConsentNotSupported", "NetServer Services75 has no consent operations; consents are served through Relay's consent API instead.");
        }
    }

}
