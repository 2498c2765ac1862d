using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;
using static Relay.NetServerEmulator.Agents.AgentHandlers;

namespace Relay.NetServerEmulator.Agents;

/// <summary>Person (get, create, save a person entity) and EMail (persons by address).</summary>
internal static class PersonAgent
{
    public static SoapObject GetPersonEntity(SoapCall c) =>
        Response(c.Store.Read(s => s.Persons.TryGetValue(c.Int("PersonEntityId"), out var p) && p.IsVisibleTo(c.User) ? Carriers.PersonEntity(s, p) : null));

    public static SoapObject CreateDefaultPersonEntity(SoapCall c) => Response(c.Store.Read(s => Carriers.PersonEntity(s, null)));

    public static SoapObject FindAddress(SoapCall c)
    {
        var address = c.Str("Address") ?? string.Empty;
        return Response(c.Store.Read(s => SoapList.Of("EMailAddress", s.Persons.Values
            .Where(p => p.IsVisibleTo(c.User) && p.Emails.Any(e => string.Equals(e, address, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(p => p.PersonId)
            .Select(p => new SoapObject
            {
                ["ContactId"] = p.CompanyId,
                ["ContactName"] = s.Companies.GetValueOrDefault(p.CompanyId)?.Name,
                ["PersonId"] = p.PersonId,
                ["PersonName"] = p.FullName,
                ["AssociateId"] = s.Companies.GetValueOrDefault(p.CompanyId)?.AssociateId ?? 0,
                ["Address"] = p.Emails.First(e => string.Equals(e, address, StringComparison.OrdinalIgnoreCase)),
                ["EmailId"] = p.PersonId * 10,
            }))));
    }

    public static SoapObject SavePersonEntity(SoapCall c)
    {
        var e = c.Body.El("PersonEntity") ?? throw NetServerException.Validation("PersonEntity is required");
        return Response(c.Store.Write(s =>
        {
            var id = e.Int("PersonId");
            var firstName = e.Str("Firstname");
            var lastName = e.Str("Lastname");
            if (string.IsNullOrWhiteSpace(firstName) && string.IsNullOrWhiteSpace(lastName))
            {
                throw NetServerException.Validation("A person needs a first or last name");
            }

            var companyId = e.El("Contact").Int("ContactId");
            if (companyId != 0 && !s.Companies.ContainsKey(companyId))
            {
                throw NetServerException.NotFound("Contact", companyId);
            }

            PersonRecord person;
            if (id == 0)
            {
                person = new PersonRecord { PersonId = s.NextId(), CreatedDate = s.Now.UtcDateTime };
                s.Persons[person.PersonId] = person;
            }
            else if (!s.Persons.TryGetValue(id, out person!))
            {
                throw NetServerException.NotFound("Person", id);
            }

            person.FirstName = firstName;
            person.LastName = lastName;
            person.Title = e.Str("Title");
            person.CompanyId = companyId;
            person.UpdatedDate = s.Now.UtcDateTime;
            person.Emails.Clear();
            person.Emails.AddRange(e.El("Emails").Els("EntityElement").Select(x => x.Str("Value")).OfType<string>().Where(v => v.Length > 0));
            person.OfficePhone = e.El("OfficePhones").Els("EntityElement").Select(x => x.Str("Value")).FirstOrDefault();
            person.MobilePhone = e.El("MobilePhones").Els("EntityElement").Select(x => x.Str("Value")).FirstOrDefault();
            if (e.El("Interests") is { } interests)
            {
                person.InterestIds.Clear();
                foreach (var item in interests.Els("SelectableMDOListItem").Where(x => x.Bool("Selected")))
                {
                    var interestId = item.Int("Id");
                    if (s.Interests.Any(i => i.Id == interestId))
                    {
                        person.InterestIds.Add(interestId);
                    }
                }
            }

            s.Record("Person", "SavePersonEntity", "Person", person.PersonId,
                $"{(id == 0 ? "created" : "updated")} {person.FullName} <{string.Join(", ", person.Emails)}> company {person.CompanyId} interests [{string.Join(",", person.InterestIds.Order())}]");
            return Carriers.PersonEntity(s, person);
        }));
    }
}
