using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;
using static Relay.NetServerEmulator.Agents.AgentHandlers;

namespace Relay.NetServerEmulator.Agents;

/// <summary>Contact (SuperOffice's company): get, create and save a contact entity.</summary>
internal static class ContactAgent
{
    public static SoapObject GetContactEntity(SoapCall c) =>
        Response(c.Store.Read(s => s.Companies.TryGetValue(c.Int("ContactEntityId"), out var x) ? Carriers.ContactEntity(s, x, 0) : null));

    public static SoapObject CreateDefaultContactEntity(SoapCall c) => Response(c.Store.Read(s => Carriers.ContactEntity(s, null, c.User!.AssociateId)));

    public static SoapObject SaveContactEntity(SoapCall c)
    {
        var e = c.Body.El("ContactEntity") ?? throw NetServerException.Validation("ContactEntity is required");
        return Response(c.Store.Write(s =>
        {
            var name = e.Str("Name");
            if (string.IsNullOrWhiteSpace(name))
            {
                throw NetServerException.Validation("A company needs a name");
            }

            var id = e.Int("ContactId");
            CompanyRecord company;
            if (id == 0)
            {
                company = new CompanyRecord { CompanyId = s.NextId(), CreatedDate = s.Now.UtcDateTime };
                s.Companies[company.CompanyId] = company;
            }
            else if (!s.Companies.TryGetValue(id, out company!))
            {
                throw NetServerException.NotFound("Contact", id);
            }

            company.Name = name;
            company.OrgNr = e.Str("OrgNr") is { Length: > 0 } orgNr ? orgNr : null;
            if (e.El("Urls") is { } urls)
            {
                company.Urls.Clear();
                company.Urls.AddRange(urls.Els("EntityElement").Select(x => x.Str("Value")).OfType<string>().Where(v => v.Length > 0));
            }

            if (e.El("Emails") is { } emails)
            {
                company.Emails.Clear();
                company.Emails.AddRange(emails.Els("EntityElement").Select(x => x.Str("Value")).OfType<string>().Where(v => v.Length > 0));
            }

            company.CountryId = e.El("Country").Int("CountryId");
            company.CategoryId = e.El("Category").Int("Id");
            company.BusinessId = e.El("Business").Int("Id");
            company.AssociateId = e.El("Associate").Int("AssociateId") is var owner and > 0 ? owner : c.User!.AssociateId;
            s.Record("Contact", "SaveContactEntity", "Contact", company.CompanyId,
                $"{(id == 0 ? "created" : "updated")} {company.Name} orgnr {company.OrgNr} country {company.CountryId} category {company.CategoryId} business {company.BusinessId}");
            return Carriers.ContactEntity(s, company, 0);
        }));
    }
}
