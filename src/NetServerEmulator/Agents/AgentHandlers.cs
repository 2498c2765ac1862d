using System.Xml.Linq;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Agents;

/// <summary>
/// The operations the emulator implements, with NetServer's semantics as far as Relay relies on them. Each
/// returns the members of the response element (usually just <c>Response</c>).
/// </summary>
internal static class AgentHandlers
{
    private static readonly Dictionary<string, Func<SoapCall, SoapObject>> Operations = new(StringComparer.Ordinal)
    {
        ["SoPrincipal.AuthenticateUsernamePassword"] = Authenticate,
        ["EMail.FindAddress"] = FindAddress,
        ["Person.GetPersonEntity"] = c => Response(c.Store.Read(s => s.Persons.TryGetValue(c.Int("PersonEntityId"), out var p) ? Carriers.PersonEntity(s, p) : null)),
        ["Person.CreateDefaultPersonEntity"] = c => Response(c.Store.Read(s => Carriers.PersonEntity(s, null))),
        ["Person.SavePersonEntity"] = SavePerson,
        ["Contact.GetContactEntity"] = c => Response(c.Store.Read(s => s.Companies.TryGetValue(c.Int("ContactEntityId"), out var x) ? Carriers.ContactEntity(s, x, 0) : null)),
        ["Contact.CreateDefaultContactEntity"] = c => Response(c.Store.Read(s => Carriers.ContactEntity(s, null, c.User!.AssociateId))),
        ["Contact.SaveContactEntity"] = SaveContact,
        ["Sale.GetSaleEntity"] = c => Response(c.Store.Read(s => s.Sales.TryGetValue(c.Int("SaleEntityId"), out var x) ? Carriers.SaleEntity(s, x, 0, s.Now.UtcDateTime) : null)),
        ["Sale.CreateDefaultSaleEntity"] = c => Response(c.Store.Read(s => Carriers.SaleEntity(s, null, c.User!.AssociateId, s.Now.UtcDateTime))),
        ["Sale.SaveSaleEntity"] = SaveSale,
        ["Appointment.GetAppointmentEntity"] = c => Response(c.Store.Read(s => s.Appointments.TryGetValue(c.Int("AppointmentEntityId"), out var x) ? Carriers.AppointmentEntity(s, x, 0, s.Now.UtcDateTime) : null)),
        ["Appointment.CreateDefaultAppointmentEntity"] = c => Response(c.Store.Read(s => Carriers.AppointmentEntity(s, null, c.User!.AssociateId, s.Now.UtcDateTime))),
        ["Appointment.SaveAppointmentEntity"] = SaveAppointment,
        ["Person.SetConsent"] = SetConsent,
        ["Person.RemoveConsent"] = RemoveConsent,
        ["Person.GetConsentInfos"] = GetConsentInfos,
        ["Archive.GetArchiveListByColumns"] = ArchiveList,
        ["Find.FindFromRestrictionsColumns"] = Find,
        ["Selection.AddContactSelectionMembers"] = c => SelectionMembers(c, add: true),
        ["Selection.RemoveContactSelectionMembers"] = c => SelectionMembers(c, add: false),
        ["Project.AddProjectMembers"] = AddProjectMembers,
        ["Project.DeleteProjectMembers"] = DeleteProjectMembers,
        ["Project.GetProjectMembers"] = GetProjectMembers,
        ["User.GetAllUserGroups"] = c => Response(c.Store.Read(s => s.UserGroups.Select((g, i) => new SoapObject
        {
            ["Value"] = g.Name, ["Tooltip"] = g.Name, ["Id"] = g.Id, ["Rank"] = i + 1, ["Deleted"] = 0,
        }).ToList())),
        ["Associate.GetAssociate"] = c => Response(c.Store.Read(s => s.Associates.ContainsKey(c.Int("AssociateId")) ? Carriers.Associate(s, c.Int("AssociateId")) : null)),
        ["Associate.GetAssociateList"] = c => Response(c.Store.Read(s => c.Body.El("AssociateIds").Els("int")
            .Select(e => int.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture)).Where(s.Associates.ContainsKey).Select(id => Carriers.Associate(s, id)).ToList())),
        ["MDO.GetList"] = MdoList,
        ["List.GetCountries"] = c => Response(c.Store.Read(s => s.Countries.Select(x => Carriers.Country(s, x.Id)).ToList())),
        ["List.GetCategories"] = c => Response(c.Store.Read(s => s.Categories.Select(x => new SoapObject { ["Id"] = x.Id, ["Value"] = x.Name }).ToList())),
        ["List.GetBusinesses"] = c => Response(c.Store.Read(s => s.Businesses.Select(x => new SoapObject { ["Id"] = x.Id, ["Value"] = x.Name }).ToList())),
    };

    public static SoapObject Handle(SoapCall call) =>
        Operations.TryGetValue($"{call.Contract.Agent}.{call.Operation.Name}", out var handler)
            ? handler(call)
            : throw new NetServerException($"{call.Contract.Agent}.{call.Operation.Name} is not implemented by the emulator", "NotSupportedException");

    private static SoapObject Response(object? value) => new() { ["Response"] = value };

    private static SoapObject Authenticate(SoapCall c)
    {
        var userName = c.Str("UserName");
        var password = c.Str("Password") ?? string.Empty;
        var (associate, ticket) = c.Store.Write(s =>
        {
            // A valid ticket is accepted as user name with a blank password (NetServer does the same).
            if (password.Length == 0 && userName is not null && s.Tickets.TryGetValue(userName, out var existing) && existing.ExpiresAt > s.Now)
            {
                existing.ExpiresAt = s.Now + s.TicketLifetime;
                return (s.Associates.GetValueOrDefault(existing.AssociateId), existing.Ticket);
            }

            var match = s.Associates.Values.FirstOrDefault(a => string.Equals(a.UserName, userName, StringComparison.OrdinalIgnoreCase) && a.Password == password && password.Length > 0);
            return (match, (string?)null);
        });
        if (associate is null)
        {
            return new SoapObject { ["Response"] = null, ["Credentials"] = null, ["AuthenticationSucceeded"] = false };
        }

        ticket ??= c.Store.IssueTicket(associate.AssociateId).Ticket;
        return new SoapObject
        {
            ["Response"] = new SoapObject
            {
                ["UserType"] = "InternalAssociate",
                ["Associate"] = associate.UserName,
                ["AssociateId"] = associate.AssociateId,
                ["IsPerson"] = true,
                ["GroupId"] = associate.GroupId,
                ["RoleName"] = "User",
                ["RoleType"] = "Employee",
                ["FullName"] = associate.FullName,
                ["EMailAddress"] = associate.Email,
                ["FunctionRights"] = new List<object?>(),
                ["EjUserStatus"] = "StatusNormal",
                ["SecondaryGroups"] = associate.SecondaryGroups.Cast<object?>().ToList(),
                ["DatabaseContextIdentifier"] = c.Store.ContextIdentifier,
            },
            ["Credentials"] = new SoapObject { ["Ticket"] = ticket },
            ["AuthenticationSucceeded"] = true,
        };
    }

    private static SoapObject FindAddress(SoapCall c)
    {
        var address = c.Str("Address") ?? string.Empty;
        return Response(c.Store.Read(s => s.Persons.Values
            .Where(p => p.Emails.Any(e => string.Equals(e, address, StringComparison.OrdinalIgnoreCase)))
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
            })
            .ToList()));
    }

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

    private static SoapObject SetConsent(SoapCall c)
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

    private static SoapObject RemoveConsent(SoapCall c)
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

    private static SoapObject GetConsentInfos(SoapCall c)
    {
        var personId = c.Int("PersonId");
        return Response(c.Store.Read(s => s.Consents.Values.Where(x => x.PersonId == personId).OrderBy(x => x.ConsentPersonId).Select(x =>
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
        }).ToList()));
    }

    private static SoapObject SavePerson(SoapCall c)
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

    private static SoapObject SaveContact(SoapCall c)
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
            company.CountryId = e.El("Country").Int("CountryId");
            company.CategoryId = e.El("Category").Int("Id");
            company.BusinessId = e.El("Business").Int("Id");
            company.AssociateId = e.El("Associate").Int("AssociateId") is var owner and > 0 ? owner : c.User!.AssociateId;
            s.Record("Contact", "SaveContactEntity", "Contact", company.CompanyId,
                $"{(id == 0 ? "created" : "updated")} {company.Name} country {company.CountryId} category {company.CategoryId} business {company.BusinessId}");
            return Carriers.ContactEntity(s, company, 0);
        }));
    }

    private static (int PersonId, int CompanyId) RequirePerson(EmulatorStore s, XElement entity)
    {
        var personId = entity.El("Person").Int("PersonId");
        if (personId != 0 && !s.Persons.ContainsKey(personId))
        {
            throw NetServerException.NotFound("Person", personId);
        }

        var companyId = entity.El("Contact").Int("ContactId");
        if (companyId == 0 && personId != 0)
        {
            companyId = s.Persons[personId].CompanyId;
        }

        if (companyId != 0 && !s.Companies.ContainsKey(companyId))
        {
            throw NetServerException.NotFound("Contact", companyId);
        }

        if (companyId == 0 && personId == 0)
        {
            throw NetServerException.Validation("A company or person is required");
        }

        return (personId, companyId);
    }

    private static SoapObject SaveSale(SoapCall c)
    {
        var e = c.Body.El("SaleEntity") ?? throw NetServerException.Validation("SaleEntity is required");
        return Response(c.Store.Write(s =>
        {
            var (personId, companyId) = RequirePerson(s, e);
            var saleTypeId = e.El("SaleType").Int("Id");
            if (saleTypeId != 0 && !s.SaleTypes.Any(t => t.Id == saleTypeId))
            {
                throw NetServerException.NotFound("SaleType", saleTypeId);
            }

            var sale = new SaleRecord
            {
                SaleId = s.NextId(),
                Heading = e.Str("Heading"),
                SaleText = e.Str("SaleText"),
                Amount = e.Double("Amount"),
                Probability = e.Int("Probability"),
                PersonId = personId,
                CompanyId = companyId,
                AssociateId = e.El("Associate").Int("AssociateId") is var owner and > 0 ? owner : c.User!.AssociateId,
                SaleTypeId = saleTypeId,
                Status = e.Str("Status") ?? "Open",
                SaleDate = e.Date("Saledate"),
                CreatedDate = s.Now.UtcDateTime,
            };
            if (e.Int("SaleId") != 0)
            {
                throw NetServerException.Validation("The emulator only creates sales");
            }

            s.Sales[sale.SaleId] = sale;
            s.Record("Sale", "SaveSaleEntity", "Sale", sale.SaleId, $"created '{sale.Heading}' {sale.Amount} for person {personId} text '{sale.SaleText}'");
            return Carriers.SaleEntity(s, sale, 0, s.Now.UtcDateTime);
        }));
    }

    private static SoapObject SaveAppointment(SoapCall c)
    {
        var e = c.Body.El("AppointmentEntity") ?? throw NetServerException.Validation("AppointmentEntity is required");
        return Response(c.Store.Write(s =>
        {
            var (personId, companyId) = RequirePerson(s, e);
            var taskId = e.El("Task").Int("TaskListItemId");
            if (taskId != 0 && !s.TaskTypes.Any(t => t.Id == taskId))
            {
                throw NetServerException.NotFound("Task", taskId);
            }

            var start = e.Date("StartDate");
            var appointment = new AppointmentRecord
            {
                AppointmentId = s.NextId(),
                Description = e.Str("Description"),
                PersonId = personId,
                CompanyId = companyId,
                AssociateId = e.El("Associate").Int("AssociateId") is var owner and > 0 ? owner : c.User!.AssociateId,
                TaskId = taskId,
                Type = e.Str("Type") ?? "inDiary",
                Completed = e.Str("Completed") ?? "NotStarted",
                StartDate = start,
                EndDate = e.Date("EndDate") is var end && end > start ? end : start,
                CreatedDate = s.Now.UtcDateTime,
            };
            s.Appointments[appointment.AppointmentId] = appointment;
            s.Record("Appointment", "SaveAppointmentEntity", "Appointment", appointment.AppointmentId,
                $"created {appointment.Type}/{appointment.Completed} task {taskId} for person {personId}: '{appointment.Description}'");
            return Carriers.AppointmentEntity(s, appointment, 0, s.Now.UtcDateTime);
        }));
    }

    private static List<string> Strings(XElement? array) => [.. array.Els("string").Select(x => x.Value)];

    private static SoapObject ArchiveList(SoapCall c)
    {
        var (rows, _) = ArchiveEngine.Query(c.Store, c.Str("ProviderName"), Strings(c.Body.El("Columns")), c.Body.El("Restriction"), c.Body.El("SortOrder"), c.Int("Page"), c.Int("PageSize"));
        return Response(rows);
    }

    private static SoapObject Find(SoapCall c)
    {
        var columns = Strings(c.Body.El("DesiredColumns"));
        var (rows, total) = ArchiveEngine.Query(c.Store, c.Str("ProviderName"), columns, c.Body.El("Restrictions"), null, c.Int("PageNumber"), c.Int("PageSize"));
        return Response(new SoapObject
        {
            ["ArchiveColumns"] = columns.Select(name => new SoapObject { ["DisplayName"] = name, ["Name"] = name, ["IsVisible"] = true }).ToList(),
            ["ArchiveRows"] = rows,
            ["RowCount"] = total,
        });
    }

    private static SoapObject SelectionMembers(SoapCall c, bool add)
    {
        var selectionId = c.Int("SelectionId");
        var ids = c.Body.El("ContactPersonIds").Els("ContactPersonId").Select(x => (PersonId: x.Int("PersonId"), CompanyId: x.Int("ContactId"))).ToList();
        c.Store.Write(s =>
        {
            var selection = s.Selections.GetValueOrDefault(selectionId) ?? throw NetServerException.NotFound("Selection", selectionId);
            if (selection.SelectionType != "Static")
            {
                throw NetServerException.Validation($"Selection {selectionId} is {selection.SelectionType}; members can only be changed in a static selection");
            }

            foreach (var (personId, companyId) in ids)
            {
                if (personId != 0 && !s.Persons.ContainsKey(personId))
                {
                    throw NetServerException.NotFound("Person", personId);
                }

                var existing = selection.Members.FindIndex(m => m.PersonId == personId && (personId != 0 || m.CompanyId == companyId));
                if (add && existing < 0)
                {
                    selection.Members.Add((s.NextId(), personId, companyId != 0 ? companyId : s.Persons.GetValueOrDefault(personId)?.CompanyId ?? 0));
                }
                else if (!add && existing >= 0)
                {
                    selection.Members.RemoveAt(existing);
                }

                s.Record("Selection", add ? "AddContactSelectionMembers" : "RemoveContactSelectionMembers", "SelectionMember", selectionId,
                    $"{(add ? "add" : "remove")} person {personId} (company {companyId}){(add == (existing >= 0) ? " — no change" : string.Empty)}");
            }
        });
        return new SoapObject();
    }

    private static SoapObject AddProjectMembers(SoapCall c)
    {
        var projectId = c.Int("ProjectEntityId");
        var members = c.Body.El("ProjectMembers").Els("ProjectMember").Select(x => (PersonId: x.Int("PersonId"), CompanyId: x.Int("ContactId"))).ToList();
        c.Store.Write(s =>
        {
            var project = s.Projects.GetValueOrDefault(projectId) ?? throw NetServerException.NotFound("Project", projectId);
            foreach (var (personId, companyId) in members)
            {
                if (!s.Persons.TryGetValue(personId, out var person))
                {
                    throw NetServerException.NotFound("Person", personId);
                }

                var exists = project.Members.Any(m => m.PersonId == personId);
                if (!exists)
                {
                    project.Members.Add((s.NextId(), personId, companyId != 0 ? companyId : person.CompanyId));
                }

                s.Record("Project", "AddProjectMembers", "ProjectMember", projectId, $"add person {personId}{(exists ? " — no change" : string.Empty)}");
            }
        });
        return new SoapObject();
    }

    private static SoapObject DeleteProjectMembers(SoapCall c)
    {
        var projectId = c.Int("ProjectEntityId");
        var memberIds = c.Body.El("MemberIds").Els("int").Select(x => int.Parse(x.Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        c.Store.Write(s =>
        {
            var project = s.Projects.GetValueOrDefault(projectId) ?? throw NetServerException.NotFound("Project", projectId);
            var removed = project.Members.RemoveAll(m => memberIds.Contains(m.MemberId));
            s.Record("Project", "DeleteProjectMembers", "ProjectMember", projectId, $"delete members [{string.Join(",", memberIds)}]: {removed} removed");
        });
        return new SoapObject();
    }

    private static SoapObject GetProjectMembers(SoapCall c) => Response(c.Store.Read(s =>
    {
        var project = s.Projects.GetValueOrDefault(c.Int("ProjectId")) ?? throw NetServerException.NotFound("Project", c.Int("ProjectId"));
        return project.Members.Select(m =>
        {
            var p = s.Persons.GetValueOrDefault(m.PersonId);
            return new SoapObject
            {
                ["ContactId"] = m.CompanyId,
                ["ProjectId"] = project.ProjectId,
                ["ContactName"] = s.Companies.GetValueOrDefault(m.CompanyId)?.Name,
                ["EmailAddress"] = p?.Emails.FirstOrDefault(),
                ["Firstname"] = p?.FirstName,
                ["Lastname"] = p?.LastName,
                ["PersonId"] = m.PersonId,
                ["ProjectmemberId"] = m.MemberId,
                ["FullName"] = p?.FullName,
            };
        }).ToList();
    }));

    private static SoapObject MdoList(SoapCall c)
    {
        var name = (c.Str("Name") ?? string.Empty).ToLowerInvariant();
        var flat = c.Body.Bool("ForceFlatList");
        return Response(c.Store.Read<List<SoapObject>>(s =>
        {
            static SoapObject Item(int id, string text, int rank, string? type = null, List<SoapObject>? children = null) =>
                new() { ["Id"] = id, ["Name"] = text, ["ToolTip"] = text, ["Rank"] = rank, ["Type"] = type, ["ChildItems"] = children ?? [] };

            List<SoapObject> Items(IEnumerable<ListItem> items) => [.. items.Select((x, i) => Item(x.Id, x.Name, i + 1))];
            return name switch
            {
                "associate" when flat => [.. s.Associates.Values.OrderBy(a => a.AssociateId).Select((a, i) => Item(a.AssociateId, a.FullName, i + 1, "associate"))],
                "associate" => [.. s.UserGroups.Select((g, i) => Item(-g.Id, g.Name, i + 1, "usergroup",
                    [.. s.Associates.Values.Where(a => a.GroupId == g.Id).OrderBy(a => a.AssociateId).Select((a, j) => Item(a.AssociateId, a.FullName, j + 1, "associate"))]))],
                "usergroup" => Items(s.UserGroups),
                "persinterest" => Items(s.Interests),
                "saletype" => Items(s.SaleTypes),
                "task" => Items(s.TaskTypes),
                "category" => Items(s.Categories),
                "business" => Items(s.Businesses),
                "country" => Items(s.Countries),
                _ => throw new NetServerException($"Unknown MDO list '{name}'", "MDOProviderNotFoundException"),
            };
        }));
    }
}
