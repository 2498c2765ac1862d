using System.Collections.Concurrent;

namespace Relay.Crm;

/// <summary>
/// A CRM held in memory, for tests that need no server. It keeps the relations Relay relies on and a
/// ledger of every write so tests can assert exactly what reached SuperOffice.
/// </summary>
public sealed class InMemoryCrm : ICrm
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, StoredPerson> _persons = [];

    // Persons by e-mail, ids ascending (ids only grow): a look-up must not scan every person, or the load driver's
    // pipeline scenario, which seeds persons for every round, measures the scan rather than Relay.
    private readonly Dictionary<string, List<int>> _personsByEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, StoredCompany> _companies = [];
    private readonly List<CrmWrite> _ledger = [];
    private readonly HashSet<(int Selection, int Person)> _selectionMembers = [];
    private readonly HashSet<(int Project, int Person)> _projectMembers = [];
    private readonly HashSet<(int Person, int Interest)> _interests = [];
    private readonly ConcurrentDictionary<string, int> _createdByReference = new(StringComparer.Ordinal);
    private int _nextId = 1000;

    private readonly HashSet<int> _selections = [];
    private readonly HashSet<int> _projects = [];

    /// <summary>A copy of every write so far, in order.</summary>
    public IReadOnlyList<CrmWrite> Ledger
    {
        get
        {
            lock (_gate)
            {
                return [.. _ledger];
            }
        }
    }

    /// <summary>Makes a static selection exist; membership calls for others fail permanently.</summary>
    public void AddSelection(int selectionId)
    {
        lock (_gate)
        {
            _selections.Add(selectionId);
        }
    }

    /// <summary>Makes a project exist; membership calls for others fail permanently.</summary>
    public void AddProject(int projectId)
    {
        lock (_gate)
        {
            _projects.Add(projectId);
        }
    }

    /// <summary>Adds a company directly, as if it were already in SuperOffice, with its organisation number and web address when given.</summary>
    public int SeedCompany(string name, int? associateId = null, string? orgNr = null, string? url = null)
    {
        lock (_gate)
        {
            var id = ++_nextId;
            _companies[id] = new StoredCompany(id, name, null, null, null, associateId, orgNr, url);
            return id;
        }
    }

    /// <summary>Adds a person directly, as if it were already in SuperOffice.</summary>
    public int SeedPerson(string firstName, string lastName, string email, int? companyId = null)
    {
        lock (_gate)
        {
            var id = ++_nextId;
            Store(new StoredPerson(id, firstName, lastName, email, null, null, null, companyId));
            return id;
        }
    }

    /// <summary>Whether the person is a member of the selection.</summary>
    public bool IsSelectionMember(int selectionId, int personId)
    {
        lock (_gate)
        {
            return _selectionMembers.Contains((selectionId, personId));
        }
    }

    /// <summary>Whether the person is a member of the project.</summary>
    public bool IsProjectMember(int projectId, int personId)
    {
        lock (_gate)
        {
            return _projectMembers.Contains((projectId, personId));
        }
    }

    /// <summary>Whether the person has the interest selected.</summary>
    public bool HasInterest(int personId, int interestId)
    {
        lock (_gate)
        {
            return _interests.Contains((personId, interestId));
        }
    }

    /// <summary>The stored person, with every mapped field.</summary>
    public StoredPerson? FindStoredPerson(int personId)
    {
        lock (_gate)
        {
            return _persons.GetValueOrDefault(personId);
        }
    }

    /// <summary>The stored company, with every mapped field.</summary>
    public StoredCompany? FindStoredCompany(int companyId)
    {
        lock (_gate)
        {
            return _companies.GetValueOrDefault(companyId);
        }
    }

    /// <summary>Adds a person (under the gate), with its e-mail in the look-up index.</summary>
    private void Store(StoredPerson person)
    {
        _persons[person.PersonId] = person;
        if (person.Email is { } email)
        {
            if (!_personsByEmail.TryGetValue(email, out var ids))
            {
                _personsByEmail[email] = ids = [];
            }

            ids.Add(person.PersonId);
        }
    }

    public Task<IReadOnlyList<CrmPersonMatch>> FindPersonsByEmailAsync(CrmConnection connection, string email, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<CrmPersonMatch> matches = (_personsByEmail.GetValueOrDefault(email) ?? []).Select(id => _persons[id])
                .Select(p => new CrmPersonMatch(p.PersonId, $"{p.FirstName} {p.LastName}".Trim(), p.CompanyId, CompanyName(p.CompanyId), p.Email!))
                .ToList();
            return Task.FromResult(matches);
        }
    }

    public Task<CrmPerson?> GetPersonAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_persons.TryGetValue(personId, out var p) ? ToPerson(p) : null);
        }
    }

    public Task<IReadOnlyList<CrmCompany>> FindCompaniesAsync(CrmConnection connection, CompanySearch search, int max, CancellationToken cancellationToken = default)
    {
        static bool Has(string? value, string? term) => term is not null && value?.Contains(term, StringComparison.OrdinalIgnoreCase) == true;
        lock (_gate)
        {
            IReadOnlyList<CrmCompany> found = _companies.Values
                .Where(c => Has(c.Name, search.NameTerm) || (search.OrgNr is not null && c.OrgNr?.StartsWith(search.OrgNr, StringComparison.OrdinalIgnoreCase) == true) || Has(c.Url, search.Domain))
                .OrderBy(c => c.CompanyId)
                .Take(max * 3)
                .Select(c => new CrmCompany(c.CompanyId, c.Name, c.OrgNr, c.Url))
                .ToList();
            return Task.FromResult(found);
        }
    }

    public Task<int> CreateCompanyAsync(CrmConnection connection, NewCompany company, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var id = ++_nextId;
            _companies[id] = new StoredCompany(id, company.Name, company.Country, company.Category, company.Industry, null, company.OrgNr);
            Record("CreateCompany", id, company);
            return Task.FromResult(id);
        }
    }

    public Task<CrmPerson> CreatePersonAsync(CrmConnection connection, NewPerson person, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (person.CompanyId is { } companyId && !_companies.ContainsKey(companyId))
            {
                throw new CrmException(CrmErrorKind.Permanent, "CompanyNotFound", $"Company {companyId} does not exist.");
            }

            var id = ++_nextId;
            var stored = new StoredPerson(id, person.FirstName, person.LastName, person.Email, person.Phone, person.Mobile, person.Title, person.CompanyId);
            Store(stored);
            Record("CreatePerson", id, person);
            return Task.FromResult(ToPerson(stored));
        }
    }

    public Task<int> CreateSaleAsync(CrmConnection connection, NewSale sale, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            RequirePerson(sale.Person.PersonId);
            var id = ++_nextId;
            _createdByReference[Key(CrmObjectKind.Sale, sale.Reference)] = id;
            Record("CreateSale", id, sale);
            return Task.FromResult(id);
        }
    }

    public Task<int> CreateAppointmentAsync(CrmConnection connection, NewAppointment appointment, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            RequirePerson(appointment.Person.PersonId);
            var id = ++_nextId;
            _createdByReference[Key(CrmObjectKind.Appointment, appointment.Reference)] = id;
            Record("CreateAppointment", id, appointment);
            return Task.FromResult(id);
        }
    }

    public Task<CrmCreatedObject?> FindCreatedObjectAsync(CrmConnection connection, CrmObjectKind kind, string reference, CancellationToken cancellationToken = default) =>
        Task.FromResult(_createdByReference.TryGetValue(Key(kind, reference), out var id) ? new CrmCreatedObject(kind, id) : null);

    public Task SetSelectionMembershipAsync(CrmConnection connection, int selectionId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_selections.Contains(selectionId))
            {
                throw new CrmException(CrmErrorKind.Permanent, "SelectionNotFound", $"Selection {selectionId} does not exist.");
            }

            RequirePerson(person.PersonId);
            _ = member ? _selectionMembers.Add((selectionId, person.PersonId)) : _selectionMembers.Remove((selectionId, person.PersonId));
            Record(member ? "AddSelectionMember" : "RemoveSelectionMember", selectionId, person);
            return Task.CompletedTask;
        }
    }

    public Task SetProjectMembershipAsync(CrmConnection connection, int projectId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_projects.Contains(projectId))
            {
                throw new CrmException(CrmErrorKind.Permanent, "ProjectNotFound", $"Project {projectId} does not exist.");
            }

            RequirePerson(person.PersonId);
            _ = member ? _projectMembers.Add((projectId, person.PersonId)) : _projectMembers.Remove((projectId, person.PersonId));
            Record(member ? "AddProjectMember" : "RemoveProjectMember", projectId, person);
            return Task.CompletedTask;
        }
    }

    public Task SetPersonInterestAsync(CrmConnection connection, int personId, int interestId, bool selected, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            RequirePerson(personId);
            _ = selected ? _interests.Add((personId, interestId)) : _interests.Remove((personId, interestId));
            Record(selected ? "AddInterest" : "RemoveInterest", interestId, personId);
            return Task.CompletedTask;
        }
    }

    private static string Key(CrmObjectKind kind, string reference) => $"{kind}:{reference}";

    private void RequirePerson(int personId)
    {
        if (!_persons.ContainsKey(personId))
        {
            throw new CrmException(CrmErrorKind.Permanent, "PersonNotFound", $"Person {personId} does not exist.");
        }
    }

    private string? CompanyName(int? companyId) => companyId is { } id && _companies.TryGetValue(id, out var c) ? c.Name : null;

    private CrmPerson ToPerson(StoredPerson p)
    {
        var company = p.CompanyId is { } id ? _companies.GetValueOrDefault(id) : null;
        return new CrmPerson(p.PersonId, p.FirstName, p.LastName, p.Email, p.CompanyId, company?.Name, company?.AssociateId);
    }

    private void Record(string operation, int id, object data) => _ledger.Add(new CrmWrite(operation, id, data, DateTimeOffset.UtcNow));

    /// <summary>A person as the in-memory CRM keeps it.</summary>
    public sealed record StoredPerson(int PersonId, string? FirstName, string? LastName, string? Email, string? Phone, string? Mobile, string? Title, int? CompanyId);

    /// <summary>A company as the in-memory CRM keeps it.</summary>
    public sealed record StoredCompany(int CompanyId, string Name, string? Country, string? Category, string? Industry, int? AssociateId, string? OrgNr = null, string? Url = null);
}

/// <summary>One write the in-memory CRM accepted: the operation, the id it concerns and the request.</summary>
public sealed record CrmWrite(string Operation, int Id, object Data, DateTimeOffset At);
