namespace Relay.NetServerEmulator.Data;

/// <summary>A SuperOffice person (table <c>person</c>).</summary>
public sealed class PersonRecord
{
    public int PersonId { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Title { get; set; }
    public List<string> Emails { get; } = [];
    public string? OfficePhone { get; set; }
    public string? MobilePhone { get; set; }
    public int CompanyId { get; set; }
    public HashSet<int> InterestIds { get; } = [];
    public DateTime CreatedDate { get; set; }
    public DateTime UpdatedDate { get; set; }

    /// <summary>
    /// The user groups whose members may read this person, as SuperOffice's Sentry rights would allow; empty
    /// means everyone. Archive queries, e-mail lookups and <c>GetPersonEntity</c> leave a hidden person out.
    /// </summary>
    public HashSet<int> VisibleToGroups { get; } = [];

    /// <summary>First and last name as SuperOffice shows them.</summary>
    public string FullName => $"{FirstName} {LastName}".Trim();

    /// <summary>Whether <paramref name="user"/> may read the person; a call without a user (none in practice) sees everything.</summary>
    public bool IsVisibleTo(AssociateRecord? user) =>
        user is null || VisibleToGroups.Count == 0 || VisibleToGroups.Contains(user.GroupId) || user.SecondaryGroups.Any(VisibleToGroups.Contains);
}

/// <summary>A SuperOffice company (table <c>contact</c>).</summary>
public sealed class CompanyRecord
{
    public int CompanyId { get; set; }
    public string Name { get; set; } = string.Empty;
    public string? OrgNr { get; set; }
    public List<string> Urls { get; } = [];
    public List<string> Emails { get; } = [];
    public int CountryId { get; set; }
    public int CategoryId { get; set; }
    public int BusinessId { get; set; }
    public int AssociateId { get; set; }
    public DateTime CreatedDate { get; set; }
}

/// <summary>A sale.</summary>
public sealed class SaleRecord
{
    public int SaleId { get; set; }
    public string? Heading { get; set; }
    public string? SaleText { get; set; }
    public double Amount { get; set; }
    public int Probability { get; set; }
    public int PersonId { get; set; }
    public int CompanyId { get; set; }
    public int AssociateId { get; set; }
    public int SaleTypeId { get; set; }
    public string Status { get; set; } = "Open";
    public DateTime SaleDate { get; set; }
    public DateTime CreatedDate { get; set; }
}

/// <summary>An appointment: a diary item, a checklist task or a completed activity.</summary>
public sealed class AppointmentRecord
{
    public int AppointmentId { get; set; }
    public string? Description { get; set; }
    public int PersonId { get; set; }
    public int CompanyId { get; set; }
    public int AssociateId { get; set; }
    public int TaskId { get; set; }
    public string Type { get; set; } = "inDiary";
    public string Completed { get; set; } = "NotStarted";
    public DateTime StartDate { get; set; }
    public DateTime EndDate { get; set; }
    public DateTime CreatedDate { get; set; }
}

/// <summary>A selection; only static ones take members by id.</summary>
public sealed class SelectionRecord
{
    public int SelectionId { get; set; }
    public string Name { get; set; } = string.Empty;
    public string SelectionType { get; set; } = "Static";

    /// <summary>A dynamic selection's criterion: persons whose company has this category are its members.</summary>
    public int? DynamicCategoryId { get; set; }

    /// <summary>Members in the order they were added: member row id, person id, company id.</summary>
    public List<(int MemberId, int PersonId, int CompanyId)> Members { get; } = [];
}

/// <summary>A project with its members.</summary>
public sealed class ProjectRecord
{
    public int ProjectId { get; set; }
    public string Name { get; set; } = string.Empty;

    /// <summary>Members in the order they were added: project member id, person id, company id.</summary>
    public List<(int MemberId, int PersonId, int CompanyId)> Members { get; } = [];
}

/// <summary>A SuperOffice user (associate) with its login.</summary>
public sealed class AssociateRecord
{
    public int AssociateId { get; set; }
    public string UserName { get; set; } = string.Empty;
    public string Password { get; set; } = string.Empty;
    public string FullName { get; set; } = string.Empty;
    public string Email { get; set; } = string.Empty;
    public int GroupId { get; set; }
    public List<int> SecondaryGroups { get; } = [];

    /// <summary>Whether the user administers the tenant: only an administrator may approve an application at SuperID (admin consent).</summary>
    public bool IsAdministrator { get; set; }
}

/// <summary>An entry of a simple list (interest, user group, sale type, task type, category, business, country).</summary>
public sealed record ListItem(int Id, string Name, string? Code = null);

/// <summary>A ticket handed out at login; valid while it is used within the lifetime (sliding).</summary>
public sealed class TicketRecord
{
    public string Ticket { get; set; } = string.Empty;
    public int AssociateId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>One write the emulator accepted.</summary>
public sealed record LedgerEntry(long Sequence, DateTimeOffset At, string Agent, string Operation, string EntityType, int EntityId, string Summary);

/// <summary>A person's GDPR consent for one purpose (table <c>ConsentPerson</c>), by list keys.</summary>
public sealed class ConsentRecord
{
    public int ConsentPersonId { get; set; }
    public int PersonId { get; set; }
    public string PurposeKey { get; set; } = string.Empty;
    public string LegalBaseKey { get; set; } = string.Empty;
    public string? SourceKey { get; set; }
    public string? Comment { get; set; }
    public DateTime Registered { get; set; }
    public DateTime Updated { get; set; }
}
