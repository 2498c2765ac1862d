using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;
using static Relay.NetServerEmulator.Agents.AgentHandlers;

namespace Relay.NetServerEmulator.Agents;

/// <summary>Person's consent operations (Services88 only): one consent per person and purpose key.</summary>
internal static class ConsentAgent
{
    /// <summary>Known legal bases and purposes, by key, with the names SuperOffice shows (consent lists of 8.x).</summary>
    private static readonly Dictionary<string, (int Id, string Name)> LegalBases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CONSENT"] = (1, "Consent"), ["LEGITIMATEINTEREST"] = (2, "Legitimate interest"), ["CONTRACT"] = (3, "Contract"),
        ["LEGALOBLIGATION"] = (4, "Legal obligation"), ["VITALINTEREST"] = (5, "Vital interest"), ["PUBLICINTEREST"] = (6, "Public interest"), ["WITHDRAWN"] = (7, "Withdrawn"),
    };

    private static readonly Dictionary<string, (int Id, string Name)> Purposes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EMAIL"] = (1, "Email marketing"), ["STORE"] = (2, "Storage"),
    };

    public static SoapObject SetConsent(SoapCall c)
    {
        var personId = c.Int("PersonId");
        var purpose = c.Str("Purpose") ?? string.Empty;
        var legalBase = c.Str("LegalBase") ?? string.Empty;
        if (!Purposes.ContainsKey(purpose))
        {
            throw NetServerException.Validation($"Unknown consent purpose '{purpose}'");
        }

        if (!LegalBases.ContainsKey(legalBase))
        {
            throw NetServerException.Validation($"Unknown legal base '{legalBase}'");
        }

        c.Store.Write(s =>
        {
            if (!s.Persons.ContainsKey(personId))
            {
                throw NetServerException.NotFound("Person", personId);
            }

            var now = s.Now.UtcDateTime;
            if (!s.Consents.TryGetValue((personId, purpose.ToUpperInvariant()), out var consent))
            {
                consent = new ConsentRecord { ConsentPersonId = s.NextId(), PersonId = personId, PurposeKey = purpose.ToUpperInvariant(), Registered = now };
                s.Consents[(personId, consent.PurposeKey)] = consent;
            }

            consent.LegalBaseKey = legalBase.ToUpperInvariant();
            consent.SourceKey = string.IsNullOrEmpty(c.Str("Source")) ? null : c.Str("Source")!.ToUpperInvariant();
            consent.Comment = c.Str("Comment");
            consent.Updated = now;
            s.Record("Person", "SetConsent", "ConsentPerson", consent.ConsentPersonId, $"person {personId} {consent.PurposeKey} = {consent.LegalBaseKey} (source {consent.SourceKey})");
        });
        return new SoapObject();
    }

    public static SoapObject RemoveConsent(SoapCall c)
    {
        var personId = c.Int("PersonId");
        var purpose = (c.Str("Purpose") ?? string.Empty).ToUpperInvariant();
        c.Store.Write(s =>
        {
            if (!s.Persons.ContainsKey(personId))
            {
                throw NetServerException.NotFound("Person", personId);
            }

            var removed = s.Consents.Remove((personId, purpose), out var consent);
            s.Record("Person", "RemoveConsent", "ConsentPerson", consent?.ConsentPersonId ?? 0, $"person {personId} {purpose}{(removed ? " removed" : " — no change")}");
        });
        return new SoapObject();
    }

    public static SoapObject GetConsentInfos(SoapCall c)
    {
        var personId = c.Int("PersonId");
        return Response(c.Store.Read(s => SoapList.Of("ConsentInfo", s.Consents.Values.Where(x => x.PersonId == personId).OrderBy(x => x.ConsentPersonId).Select(x =>
        {
            var legal = LegalBases.GetValueOrDefault(x.LegalBaseKey);
            var purpose = Purposes.GetValueOrDefault(x.PurposeKey);
            return new SoapObject
            {
                ["ConsentPersonId"] = x.ConsentPersonId,
                ["Comment"] = x.Comment,
                ["Registered"] = x.Registered,
                ["RegisteredAssociateId"] = c.User?.AssociateId ?? 0,
                ["Updated"] = x.Updated,
                ["UpdatedAssociateId"] = c.User?.AssociateId ?? 0,
                ["LegalBaseId"] = legal.Id,
                ["LegalBaseKey"] = x.LegalBaseKey,
                ["LegalBaseName"] = legal.Name,
                ["ConsentPurposeId"] = purpose.Id,
                ["ConsentPurposeKey"] = x.PurposeKey,
                ["ConsentPurposeName"] = purpose.Name,
                ["ConsentSourceId"] = 0,
                ["ConsentSourceKey"] = x.SourceKey,
                ["ConsentSourceName"] = x.SourceKey,
            };
        }))));
    }
}
