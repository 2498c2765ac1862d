using System.Globalization;
using Relay.NetServerEmulator.Soap;
using static Relay.NetServerEmulator.Agents.AgentHandlers;

namespace Relay.NetServerEmulator.Agents;

/// <summary>Selection and Project members: set operations, so a repeated add or remove changes nothing.</summary>
internal static class MembershipAgents
{
    public static SoapObject SelectionMembers(SoapCall c, bool add)
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

    public static SoapObject AddProjectMembers(SoapCall c)
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

    public static SoapObject DeleteProjectMembers(SoapCall c)
    {
        var projectId = c.Int("ProjectEntityId");
        var memberIds = c.Body.El("MemberIds").Els("int").Select(x => int.Parse(x.Value, CultureInfo.InvariantCulture)).ToHashSet();
        c.Store.Write(s =>
        {
            var project = s.Projects.GetValueOrDefault(projectId) ?? throw NetServerException.NotFound("Project", projectId);
            var removed = project.Members.RemoveAll(m => memberIds.Contains(m.MemberId));
            s.Record("Project", "DeleteProjectMembers", "ProjectMember", projectId, $"delete members [{string.Join(",", memberIds)}]: {removed} removed");
        });
        return new SoapObject();
    }

    public static SoapObject GetProjectMembers(SoapCall c) => Response(c.Store.Read(s =>
    {
        var project = s.Projects.GetValueOrDefault(c.Int("ProjectId")) ?? throw NetServerException.NotFound("Project", c.Int("ProjectId"));
        return SoapList.Of("ProjectMember", project.Members.Select(m =>
        {
            var p = s.Persons.GetValueOrDefault(m.PersonId);
            var member = new SoapObject();
            if (c.Version != "75")
            {
                // Services88 moved the id to the front of the sequence; 7.5 has it after Comment (set below, which
                // leaves an existing entry where it is).
                member["ProjectmemberId"] = m.MemberId;
            }

            member["ContactId"] = m.CompanyId;
            member["ProjectId"] = project.ProjectId;
            member["ContactName"] = s.Companies.GetValueOrDefault(m.CompanyId)?.Name;
            member["EmailAddress"] = p?.Emails.FirstOrDefault();
            member["Firstname"] = p?.FirstName;
            member["Lastname"] = p?.LastName;
            member["PersonId"] = m.PersonId;
            member["ProjectmemberId"] = m.MemberId;
            member["FullName"] = p?.FullName;
            return member;
        }));
    }));
}
