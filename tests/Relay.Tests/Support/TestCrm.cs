using Relay.Crm;
using Relay.NetServerEmulator;

namespace Relay.Tests.Support;

/// <summary>
/// What the pipeline tests need of a CRM behind the port: put persons, selections and projects in
/// it, and read back what Relay made. One test suite then runs against the in-memory CRM and against
/// the NetServer emulator through the SOAP adapter.
/// </summary>
public interface ITestCrm
{
    /// <summary>Adds a company owned by the associate.</summary>
    int SeedCompany(string name, int associateId);

    /// <summary>Adds a person.</summary>
    int SeedPerson(string firstName, string lastName, string email, int? companyId = null);

    /// <summary>Adds an empty static selection.</summary>
    int SeedSelection();

    /// <summary>Adds an empty project.</summary>
    int SeedProject();

    /// <summary>Whether the person is a member of the selection.</summary>
    bool IsSelectionMember(int selectionId, int personId);

    /// <summary>Whether the person is a member of the project.</summary>
    bool IsProjectMember(int projectId, int personId);

    /// <summary>Whether the person has the interest selected.</summary>
    bool HasInterest(int personId, int interestId);

    /// <summary>The sales of a person.</summary>
    IReadOnlyList<TestSale> Sales(int personId);

    /// <summary>The appointments of a person.</summary>
    IReadOnlyList<TestAppointment> Appointments(int personId);

    /// <summary>Persons with the e-mail address.</summary>
    IReadOnlyList<TestPerson> PersonsWithEmail(string email);

    /// <summary>A company with its mapped fields, or null.</summary>
    TestCompany? Company(int companyId);

    /// <summary>The connection a tenant uses to reach this CRM.</summary>
    Tenants.TenantCrmSettings TenantCrm(string tenantId);
}

/// <summary>A sale as the CRM holds it.</summary>
public sealed record TestSale(int SaleId, string? Heading, double Amount, int? SaleTypeId, int Probability, int? OwnerAssociateId, int? CompanyId, string? Text);

/// <summary>An appointment as the CRM holds it.</summary>
public sealed record TestAppointment(int AppointmentId, int? TaskTypeId, string Description, bool Completed, int? OwnerAssociateId, DateTimeOffset Date);

/// <summary>A company as the CRM holds it, with the mapped fields (country as its two-letter code).</summary>
public sealed record TestCompany(int CompanyId, string Name, string? Country, string? Category, string? Industry);

/// <summary>A person as the CRM holds it, with the mapped fields.</summary>
public sealed record TestPerson(int PersonId, string? FirstName, string? LastName, string? Email, string? Phone, string? Mobile, string? Title, int? CompanyId, string? CompanyName);

/// <summary><see cref="ITestCrm"/> over <see cref="InMemoryCrm"/>.</summary>
public sealed class InMemoryTestCrm(InMemoryCrm crm) : ITestCrm
{
    private int _nextId = Random.Shared.Next(1_000_000, 2_000_000);

    public int SeedCompany(string name, int associateId) => crm.SeedCompany(name, associateId);

    public int SeedPerson(string firstName, string lastName, string email, int? companyId = null) => crm.SeedPerson(firstName, lastName, email, companyId);

    public int SeedSelection()
    {
        var id = Interlocked.Increment(ref _nextId);
        crm.AddSelection(id);
        return id;
    }

    public int SeedProject()
    {
        var id = Interlocked.Increment(ref _nextId);
        crm.AddProject(id);
        return id;
    }

    public bool IsSelectionMember(int selectionId, int personId) => crm.IsSelectionMember(selectionId, personId);

    public bool IsProjectMember(int projectId, int personId) => crm.IsProjectMember(projectId, personId);

    public bool HasInterest(int personId, int interestId) => crm.HasInterest(personId, interestId);

    public IReadOnlyList<TestSale> Sales(int personId) =>
        [.. crm.Ledger.Where(w => w.Data is NewSale s && s.Person.PersonId == personId)
            .Select(w => (w.Id, Sale: (NewSale)w.Data))
            .Select(x => new TestSale(x.Id, x.Sale.Heading, x.Sale.Amount, x.Sale.SaleTypeId, x.Sale.Probability, x.Sale.OwnerAssociateId, x.Sale.Person.CompanyId, x.Sale.Reference))];

    public IReadOnlyList<TestAppointment> Appointments(int personId) =>
        [.. crm.Ledger.Where(w => w.Data is NewAppointment a && a.Person.PersonId == personId)
            .Select(w => (w.Id, Appointment: (NewAppointment)w.Data))
            .Select(x => new TestAppointment(x.Id, x.Appointment.TaskTypeId, x.Appointment.Description + "\n" + x.Appointment.Reference, x.Appointment.Completed, x.Appointment.OwnerAssociateId, x.Appointment.Date))];

    public IReadOnlyList<TestPerson> PersonsWithEmail(string email) =>
        [.. crm.Ledger.Where(w => w.Operation == "CreatePerson").Select(w => crm.FindStoredPerson(w.Id)!)
            .Where(p => p.Email == email)
            .Select(p => new TestPerson(p.PersonId, p.FirstName, p.LastName, p.Email, p.Phone, p.Mobile, p.Title, p.CompanyId, p.CompanyId is { } c ? crm.FindStoredCompany(c)?.Name : null))];

    public TestCompany? Company(int companyId) =>
        crm.FindStoredCompany(companyId) is { } c ? new TestCompany(c.CompanyId, c.Name, c.Country, c.Category, c.Industry) : null;

    public Tenants.TenantCrmSettings TenantCrm(string tenantId) => new("memory://" + tenantId);
}

/// <summary><see cref="ITestCrm"/> over the NetServer emulator's store; Relay reaches it through the SOAP adapter.</summary>
public sealed class EmulatorTestCrm(RunningEmulator emulator) : ITestCrm
{
    private NetServerEmulator.Data.EmulatorStore Store => emulator.Store;

    public int SeedCompany(string name, int associateId) => Store.AddCompany(name, associateId).CompanyId;

    public int SeedPerson(string firstName, string lastName, string email, int? companyId = null) => Store.AddPerson(firstName, lastName, email, companyId ?? 0).PersonId;

    public int SeedSelection() => Store.AddSelection("Test " + Guid.NewGuid().ToString("N")[..6]).SelectionId;

    public int SeedProject() => Store.AddProject("Test " + Guid.NewGuid().ToString("N")[..6]).ProjectId;

    public bool IsSelectionMember(int selectionId, int personId) => Store.Read(s => s.Selections[selectionId].Members.Any(m => m.PersonId == personId));

    public bool IsProjectMember(int projectId, int personId) => Store.Read(s => s.Projects[projectId].Members.Any(m => m.PersonId == personId));

    public bool HasInterest(int personId, int interestId) => Store.Read(s => s.Persons[personId].InterestIds.Contains(interestId));

    public IReadOnlyList<TestSale> Sales(int personId) => Store.Read(s => (IReadOnlyList<TestSale>)
        [.. s.Sales.Values.Where(x => x.PersonId == personId).OrderBy(x => x.SaleId)
            .Select(x => new TestSale(x.SaleId, x.Heading, x.Amount, NullIfZero(x.SaleTypeId), x.Probability, NullIfZero(x.AssociateId), NullIfZero(x.CompanyId), x.SaleText))]);

    public IReadOnlyList<TestAppointment> Appointments(int personId) => Store.Read(s => (IReadOnlyList<TestAppointment>)
        [.. s.Appointments.Values.Where(x => x.PersonId == personId).OrderBy(x => x.AppointmentId)
            .Select(x => new TestAppointment(x.AppointmentId, NullIfZero(x.TaskId), x.Description ?? "", x.Completed == "Completed", NullIfZero(x.AssociateId), new DateTimeOffset(DateTime.SpecifyKind(x.StartDate, DateTimeKind.Utc))))]);

    public IReadOnlyList<TestPerson> PersonsWithEmail(string email) => Store.Read(s => (IReadOnlyList<TestPerson>)
        [.. s.Persons.Values.Where(p => p.Emails.Contains(email, StringComparer.OrdinalIgnoreCase)).OrderBy(p => p.PersonId)
            .Select(p => new TestPerson(p.PersonId, p.FirstName, p.LastName, email, p.OfficePhone, p.MobilePhone, p.Title, NullIfZero(p.CompanyId), s.Companies.GetValueOrDefault(p.CompanyId)?.Name))]);

    public TestCompany? Company(int companyId) => Store.Read(s => s.Companies.GetValueOrDefault(companyId) is { } c
        ? new TestCompany(
            c.CompanyId,
            c.Name,
            s.Countries.FirstOrDefault(x => x.Id == c.CountryId)?.Code,
            s.Categories.FirstOrDefault(x => x.Id == c.CategoryId)?.Name,
            s.Businesses.FirstOrDefault(x => x.Id == c.BusinessId)?.Name)
        : null);

    public Tenants.TenantCrmSettings TenantCrm(string tenantId) =>
        new(emulator.BaseUrl.ToString().TrimEnd('/'), "75", NetServerEmulator.Data.DemoSeed.UserName, NetServerEmulator.Data.DemoSeed.Password);

    private static int? NullIfZero(int id) => id == 0 ? null : id;
}
