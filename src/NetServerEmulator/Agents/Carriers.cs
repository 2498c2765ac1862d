using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Agents;

/// <summary>Builds NetServer carriers from the store's records (call under the store's lock).</summary>
internal static class Carriers
{
    public static SoapObject Associate(EmulatorStore s, int associateId)
    {
        var a = s.Associates.GetValueOrDefault(associateId);
        return new SoapObject
        {
            ["AssociateId"] = associateId,
            ["Name"] = a?.UserName,
            ["Tooltip"] = a?.FullName,
            ["Type"] = "InternalAssociate",
            ["GroupIdx"] = a?.GroupId ?? 0,
            ["FullName"] = a?.FullName,
            ["FormalName"] = a?.FullName,
        };
    }

    public static SoapObject? Contact(EmulatorStore s, int companyId)
    {
        if (!s.Companies.TryGetValue(companyId, out var c))
        {
            return null;
        }

        return new SoapObject
        {
            ["ContactId"] = c.CompanyId,
            ["Name"] = c.Name,
            ["AssociateId"] = c.AssociateId,
            ["CountryId"] = c.CountryId,
            ["AssociateFullName"] = s.Associates.GetValueOrDefault(c.AssociateId)?.FullName,
            ["BusinessName"] = s.Businesses.FirstOrDefault(x => x.Id == c.BusinessId)?.Name,
            ["CategoryName"] = s.Categories.FirstOrDefault(x => x.Id == c.CategoryId)?.Name,
            ["CountryName"] = s.Countries.FirstOrDefault(x => x.Id == c.CountryId)?.Name,
            ["FullName"] = c.Name,
        };
    }

    public static SoapObject? Person(EmulatorStore s, int personId)
    {
        if (!s.Persons.TryGetValue(personId, out var p))
        {
            return null;
        }

        var company = s.Companies.GetValueOrDefault(p.CompanyId);
        return new SoapObject
        {
            ["PersonId"] = p.PersonId,
            ["Firstname"] = p.FirstName,
            ["Lastname"] = p.LastName,
            ["Title"] = p.Title,
            ["Email"] = p.Emails.FirstOrDefault(),
            ["FullName"] = p.FullName,
            ["ContactId"] = p.CompanyId,
            ["ContactName"] = company?.Name,
            ["MobilePhone"] = p.MobilePhone,
            ["AssociateId"] = company?.AssociateId ?? 0,
        };
    }

    /// <summary>An <c>ArrayOfEntityElement</c> (e-mails, phones) of the non-empty values.</summary>
    public static SoapList Elements(IEnumerable<string?> values) =>
        SoapList.Of("EntityElement", values.Where(v => !string.IsNullOrEmpty(v)).Select(v => new SoapObject { ["Value"] = v, ["StrippedValue"] = v }));

    private static SoapList NoElements() => Elements([]);

    public static SoapObject? Country(EmulatorStore s, int countryId) =>
        s.Countries.FirstOrDefault(c => c.Id == countryId) is { } country
            ? new SoapObject { ["CountryId"] = country.Id, ["Name"] = country.Name, ["EnglishName"] = country.Name, ["TwoLetterISOCountry"] = country.Code }
            : null;

    public static SoapObject PersonEntity(EmulatorStore s, PersonRecord? p)
    {
        var company = p is null ? null : s.Companies.GetValueOrDefault(p.CompanyId);
        return new SoapObject
        {
            ["PersonId"] = p?.PersonId ?? 0,
            ["Firstname"] = p?.FirstName ?? string.Empty,
            ["Lastname"] = p?.LastName ?? string.Empty,
            ["Title"] = p?.Title ?? string.Empty,
            ["UpdatedDate"] = p?.UpdatedDate ?? DateTime.MinValue,
            ["CreatedDate"] = p?.CreatedDate ?? DateTime.MinValue,
            ["Emails"] = Elements(p?.Emails ?? []),
            ["PrivatePhones"] = NoElements(),
            ["Faxes"] = NoElements(),
            ["MobilePhones"] = Elements([p?.MobilePhone]),
            ["OfficePhones"] = Elements([p?.OfficePhone]),
            ["OtherPhones"] = NoElements(),
            ["Contact"] = company is null ? null : Contact(s, company.CompanyId),
            ["Country"] = Country(s, company?.CountryId ?? 752),
            ["Interests"] = SoapList.Of("SelectableMDOListItem", s.Interests.Select(i => new SoapObject
            {
                ["Id"] = i.Id,
                ["Name"] = i.Name,
                ["Selected"] = p?.InterestIds.Contains(i.Id) ?? false,
            })),
            ["FullName"] = p?.FullName ?? string.Empty,
            ["Urls"] = NoElements(),
            ["Associate"] = company is null ? null : Associate(s, company.AssociateId),
            ["ActiveInterests"] = p?.InterestIds.Count ?? 0,
        };
    }

    public static SoapObject ContactEntity(EmulatorStore s, CompanyRecord? c, int defaultAssociateId)
    {
        var associateId = c?.AssociateId ?? defaultAssociateId;
        return new SoapObject
        {
            ["ContactId"] = c?.CompanyId ?? 0,
            ["Name"] = c?.Name ?? string.Empty,
            ["Department"] = string.Empty,
            ["OrgNr"] = c?.OrgNr ?? string.Empty,
            ["UpdatedDate"] = c?.CreatedDate ?? DateTime.MinValue,
            ["CreatedDate"] = c?.CreatedDate ?? DateTime.MinValue,
            ["Emails"] = Elements(c?.Emails ?? []),
            ["Interests"] = SoapList.Of("SelectableMDOListItem", Array.Empty<SoapObject>()),
            ["Urls"] = Elements(c?.Urls ?? []),
            ["Phones"] = NoElements(),
            ["Faxes"] = NoElements(),
            ["Associate"] = Associate(s, associateId),
            ["Business"] = s.Businesses.FirstOrDefault(x => x.Id == c?.BusinessId) is { } b ? new SoapObject { ["Id"] = b.Id, ["Value"] = b.Name } : null,
            ["Category"] = s.Categories.FirstOrDefault(x => x.Id == c?.CategoryId) is { } k ? new SoapObject { ["Id"] = k.Id, ["Value"] = k.Name } : null,
            ["Country"] = Country(s, c?.CountryId ?? 752),
            ["Persons"] = SoapList.Of("Person", c is null ? [] : s.Persons.Values.Where(p => p.CompanyId == c.CompanyId).Select(p => Person(s, p.PersonId)!)),
        };
    }

    public static SoapObject SaleEntity(EmulatorStore s, SaleRecord? sale, int defaultAssociateId, DateTime now) => new()
    {
        ["Associate"] = Associate(s, sale?.AssociateId ?? defaultAssociateId),
        ["Contact"] = sale is null ? null : Contact(s, sale.CompanyId),
        ["SaleText"] = sale?.SaleText ?? string.Empty,
        ["Person"] = sale is null ? null : Person(s, sale.PersonId),
        ["Status"] = sale?.Status ?? "Open",
        ["Saledate"] = sale?.SaleDate ?? now,
        ["Amount"] = sale?.Amount ?? 0d,
        ["SaleId"] = sale?.SaleId ?? 0,
        ["Heading"] = sale?.Heading ?? string.Empty,
        ["Probability"] = sale?.Probability ?? 10,
        ["CreatedDate"] = sale?.CreatedDate ?? DateTime.MinValue,
        ["Completed"] = "NotStarted",
        ["SaleType"] = s.SaleTypes.FirstOrDefault(x => x.Id == sale?.SaleTypeId) is { } t ? new SoapObject { ["Id"] = t.Id, ["Value"] = t.Name } : null,
    };

    public static SoapObject AppointmentEntity(EmulatorStore s, AppointmentRecord? a, int defaultAssociateId, DateTime now)
    {
        var start = a?.StartDate ?? now;
        var task = s.TaskTypes.FirstOrDefault(x => x.Id == (a?.TaskId ?? s.TaskTypes.FirstOrDefault()?.Id));
        return new SoapObject
        {
            ["Associate"] = Associate(s, a?.AssociateId ?? defaultAssociateId),
            ["Contact"] = a is null ? null : Contact(s, a.CompanyId),
            ["CreatedDate"] = a?.CreatedDate ?? DateTime.MinValue,
            ["AppointmentId"] = a?.AppointmentId ?? 0,
            ["Description"] = a?.Description ?? string.Empty,
            ["StartDate"] = start,
            ["EndDate"] = a?.EndDate ?? start.AddHours(1),
            ["Person"] = a is null ? null : Person(s, a.PersonId),
            ["Private"] = "Public",
            ["Type"] = a?.Type ?? "inDiary",
            ["Completed"] = a?.Completed ?? "NotStarted",
            ["AlarmLeadTime"] = TimeSpan.Zero,
            ["ActiveDate"] = start,
            ["Task"] = task is null ? null : new SoapObject { ["TaskListItemId"] = task.Id, ["Value"] = task.Name, ["Type"] = "Appointment" },
        };
    }
}
