using System.Security.Cryptography;

namespace Relay.NetServerEmulator.Data;

/// <summary>
/// The emulator's SuperOffice database, in memory: persons, companies, sales, appointments, selections,
/// projects, lists, associates and tickets, with a ledger of every write. All access goes through
/// <see cref="Read{T}"/> and <see cref="Write{T}"/>, which hold one lock.
/// </summary>
public sealed class EmulatorStore
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<LedgerEntry> _ledger = [];
    private long _ledgerSequence;
    private const int FirstId = 1000;
    private int _nextId = FirstId;

    /// <summary>An empty store; call <see cref="DemoSeed.Apply"/> for demo data.</summary>
    public EmulatorStore(TimeProvider? time = null, TimeSpan? ticketLifetime = null)
    {
        _time = time ?? TimeProvider.System;
        TicketLifetime = ticketLifetime ?? TimeSpan.FromHours(6);
    }

    /// <summary>How long a ticket stays valid after its last use (NetServer: 6 hours, sliding).</summary>
    public TimeSpan TicketLifetime { get; set; }

    /// <summary>The context identifier reported at login, e.g. <c>Cust12345</c>.</summary>
    public string ContextIdentifier { get; set; } = "Cust12345";

    public Dictionary<int, PersonRecord> Persons { get; } = [];
    public Dictionary<int, CompanyRecord> Companies { get; } = [];
    public Dictionary<int, SaleRecord> Sales { get; } = [];
    public Dictionary<int, AppointmentRecord> Appointments { get; } = [];
    public Dictionary<int, SelectionRecord> Selections { get; } = [];
    public Dictionary<int, ProjectRecord> Projects { get; } = [];
    public Dictionary<int, AssociateRecord> Associates { get; } = [];
    public Dictionary<string, TicketRecord> Tickets { get; } = new(StringComparer.Ordinal);
    /// <summary>Consents (Services88): one per person and purpose key, like the <c>ConsentPerson</c> table's unique index.</summary>
    public Dictionary<(int PersonId, string PurposeKey), ConsentRecord> Consents { get; } = [];

    public List<ListItem> Interests { get; } = [];
    public List<ListItem> UserGroups { get; } = [];
    public List<ListItem> SaleTypes { get; } = [];
    public List<ListItem> TaskTypes { get; } = [];
    public List<ListItem> Categories { get; } = [];
    public List<ListItem> Businesses { get; } = [];

    /// <summary>Countries; <see cref="ListItem.Code"/> is the two-letter ISO code.</summary>
    public List<ListItem> Countries { get; } = [];

    /// <summary>The current time of the store's clock.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Runs a read under the store's lock.</summary>
    public T Read<T>(Func<EmulatorStore, T> read)
    {
        lock (_gate)
        {
            return read(this);
        }
    }

    /// <summary>Runs a change under the store's lock.</summary>
    public T Write<T>(Func<EmulatorStore, T> write)
    {
        lock (_gate)
        {
            return write(this);
        }
    }

    /// <summary>Runs a change under the store's lock.</summary>
    public void Write(Action<EmulatorStore> write)
    {
        lock (_gate)
        {
            write(this);
        }
    }

    /// <summary>A new id, unique across entity types (like distinct tables, but simpler to read in logs).</summary>
    public int NextId() => ++_nextId;

    /// <summary>Records a write; call inside <see cref="Write{T}"/>.</summary>
    public void Record(string agent, string operation, string entityType, int entityId, string summary) =>
        _ledger.Add(new LedgerEntry(++_ledgerSequence, Now, agent, operation, entityType, entityId, summary));

    /// <summary>A copy of the write ledger.</summary>
    public IReadOnlyList<LedgerEntry> Ledger() => Read(s => (IReadOnlyList<LedgerEntry>)[.. s._ledger]);

    /// <summary>Forgets everything, including the ledger.</summary>
    public void Clear() => Write(s =>
    {
        s.Persons.Clear();
        s.Companies.Clear();
        s.Sales.Clear();
        s.Appointments.Clear();
        s.Selections.Clear();
        s.Projects.Clear();
        s.Consents.Clear();
        s.Associates.Clear();
        s.Tickets.Clear();
        s.Interests.Clear();
        s.UserGroups.Clear();
        s.SaleTypes.Clear();
        s.TaskTypes.Clear();
        s.Categories.Clear();
        s.Businesses.Clear();
        s.Countries.Clear();
        s._ledger.Clear();
        s._nextId = FirstId;
    });

    /// <summary>Logs an associate in: a new <c>7T:</c> ticket, valid for <see cref="TicketLifetime"/> from now.</summary>
    public TicketRecord IssueTicket(int associateId) => Write(s =>
    {
        var ticket = new TicketRecord
        {
            Ticket = "7T:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)),
            AssociateId = associateId,
            ExpiresAt = s.Now + s.TicketLifetime,
        };
        s.Tickets[ticket.Ticket] = ticket;
        return ticket;
    });

    /// <summary>The associate behind a valid ticket, sliding its expiry; null when unknown or expired.</summary>
    public AssociateRecord? UseTicket(string? ticket) => Write(s =>
    {
        if (ticket is null || !s.Tickets.TryGetValue(ticket, out var record) || record.ExpiresAt <= s.Now)
        {
            return null;
        }

        record.ExpiresAt = s.Now + s.TicketLifetime;
        return s.Associates.GetValueOrDefault(record.AssociateId);
    });

    /// <summary>Expires one ticket, or all when <paramref name="ticket"/> is null; returns how many.</summary>
    public int ExpireTickets(string? ticket = null) => Write(s =>
    {
        var expired = 0;
        foreach (var record in s.Tickets.Values.Where(t => ticket is null || t.Ticket == ticket))
        {
            record.ExpiresAt = s.Now.AddTicks(-1);
            expired++;
        }

        return expired;
    });

    /// <summary>Adds a person directly (no ledger entry), as if it were already in SuperOffice.</summary>
    public PersonRecord AddPerson(string firstName, string lastName, string? email, int companyId = 0) => Write(s =>
    {
        var person = new PersonRecord
        {
            PersonId = s.NextId(),
            FirstName = firstName,
            LastName = lastName,
            CompanyId = companyId,
            CreatedDate = s.Now.UtcDateTime,
            UpdatedDate = s.Now.UtcDateTime,
        };
        if (email is not null)
        {
            person.Emails.Add(email);
        }

        s.Persons[person.PersonId] = person;
        return person;
    });

    /// <summary>Lets only members of <paramref name="groups"/> read the person (none: everyone again); false when there is no such person.</summary>
    public bool RestrictPerson(int personId, IEnumerable<int> groups) => Write(s =>
    {
        if (!s.Persons.TryGetValue(personId, out var person))
        {
            return false;
        }

        person.VisibleToGroups.Clear();
        person.VisibleToGroups.UnionWith(groups);
        return true;
    });

    /// <summary>Adds a company directly (no ledger entry), with its organisation number, web address and e-mail when given.</summary>
    public CompanyRecord AddCompany(string name, int associateId = 0, string? orgNr = null, string? url = null, string? email = null) => Write(s =>
    {
        var company = new CompanyRecord { CompanyId = s.NextId(), Name = name, AssociateId = associateId, CreatedDate = s.Now.UtcDateTime, OrgNr = orgNr };
        company.Urls.AddRange(url is null ? [] : [url]);
        company.Emails.AddRange(email is null ? [] : [email]);
        s.Companies[company.CompanyId] = company;
        return company;
    });

    /// <summary>Adds a selection directly (no ledger entry).</summary>
    public SelectionRecord AddSelection(string name, string selectionType = "Static") => Write(s =>
    {
        var selection = new SelectionRecord { SelectionId = s.NextId(), Name = name, SelectionType = selectionType };
        s.Selections[selection.SelectionId] = selection;
        return selection;
    });

    /// <summary>Adds a project directly (no ledger entry).</summary>
    public ProjectRecord AddProject(string name) => Write(s =>
    {
        var project = new ProjectRecord { ProjectId = s.NextId(), Name = name };
        s.Projects[project.ProjectId] = project;
        return project;
    });

    /// <summary>Adds persons to a selection directly (no ledger entry).</summary>
    public void AddSelectionMembers(int selectionId, IEnumerable<PersonRecord> persons) => Write(s =>
    {
        var selection = s.Selections[selectionId];
        foreach (var person in persons)
        {
            selection.Members.Add((s.NextId(), person.PersonId, person.CompanyId));
        }
    });

    /// <summary>Sets a consent directly (no ledger entry), as if someone changed it in SuperOffice at <paramref name="updated"/>.</summary>
    public ConsentRecord SetConsent(int personId, string purposeKey, string legalBaseKey, DateTime updated, string? sourceKey = null, string? comment = null) => Write(s =>
    {
        if (!s.Consents.TryGetValue((personId, purposeKey), out var consent))
        {
            consent = new ConsentRecord { ConsentPersonId = s.NextId(), PersonId = personId, PurposeKey = purposeKey, Registered = updated };
            s.Consents[(personId, purposeKey)] = consent;
        }

        consent.LegalBaseKey = legalBaseKey;
        consent.SourceKey = sourceKey;
        consent.Comment = comment;
        consent.Updated = updated;
        return consent;
    });

    /// <summary>Counts of every entity type.</summary>
    public IReadOnlyDictionary<string, int> Counts() => Read(s => (IReadOnlyDictionary<string, int>)new Dictionary<string, int>
    {
        ["Person"] = s.Persons.Count,
        ["Contact"] = s.Companies.Count,
        ["Sale"] = s.Sales.Count,
        ["Appointment"] = s.Appointments.Count,
        ["Selection"] = s.Selections.Count,
        ["SelectionMember"] = s.Selections.Values.Sum(x => x.Members.Count),
        ["Project"] = s.Projects.Count,
        ["ProjectMember"] = s.Projects.Values.Sum(x => x.Members.Count),
        ["Associate"] = s.Associates.Count,
        ["ConsentPerson"] = s.Consents.Count,
        ["Ticket"] = s.Tickets.Count,
    });
}
