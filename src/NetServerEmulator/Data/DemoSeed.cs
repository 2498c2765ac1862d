namespace Relay.NetServerEmulator.Data;

/// <summary>
/// Demo data: a few hundred persons across companies, static selections, projects, interests, associates
/// in two user groups, two e-mail addresses shared by two persons each, and a demo login.
/// </summary>
public static class DemoSeed
{
    /// <summary>Demo login user name; the only administrator among the demo users (SuperID admin consent).</summary>
    public const string UserName = "demo";

    /// <summary>Demo login password.</summary>
    public const string Password = "demo";

    /// <summary>A ticket issued to the demo user at seed time, valid for 30 days unless expired through the admin API.</summary>
    public const string Ticket = "7T:ZGVtby10aWNrZXQtcmVsYXk=";

    /// <summary>Addresses that belong to two persons each, so that lookups are ambiguous.</summary>
    public static readonly IReadOnlyList<string> SharedEmails = ["info@nordlys.example", "sales@bergstrom.example"];

    private static readonly string[] FirstNames =
        ["Ann", "Erik", "Maja", "Lars", "Ingrid", "Johan", "Sara", "Nils", "Elin", "Per", "Karin", "Olof", "Astrid", "Jonas", "Frida", "Henrik", "Tove", "Mats", "Linnea", "Oskar"];

    private static readonly string[] LastNames =
        ["Berg", "Lund", "Holm", "Dahl", "Sandberg", "Nyström", "Eklund", "Lindqvist", "Strand", "Björk", "Falk", "Wik", "Sjöberg", "Hed", "Ström"];

    private static readonly string[] CompanyWords =
        ["Nordlys", "Fjell", "Havbris", "Skog", "Vinter", "Solvik", "Bergström", "Granit", "Ekdal", "Lyngen", "Kvarn", "Tind"];

    private static readonly string[] CompanySuffixes = ["AB", "AS", "Oy", "ApS", "GmbH"];

    /// <summary>Clears the store and fills it with the demo data (deterministic).</summary>
    public static void Apply(EmulatorStore store, int persons = 300)
    {
        store.Clear();
        var random = new Random(42);
        store.Write(s =>
        {
            s.UserGroups.AddRange([new ListItem(1, "Sales"), new ListItem(2, "Marketing")]);
            s.Interests.AddRange([
                new ListItem(1, "Newsletter"), new ListItem(2, "Product news"), new ListItem(3, "Events"), new ListItem(4, "Webinars"),
                new ListItem(5, "Pricing"), new ListItem(6, "Partner program"), new ListItem(7, "Support tips"), new ListItem(8, "Case studies")]);
            s.SaleTypes.AddRange([new ListItem(1, "New business"), new ListItem(2, "Upsell"), new ListItem(3, "Renewal")]);
            s.TaskTypes.AddRange([new ListItem(1, "Meeting"), new ListItem(2, "Phone call"), new ListItem(3, "Follow-up"), new ListItem(4, "Marketing notification")]);
            s.Categories.AddRange([new ListItem(1, "Customer"), new ListItem(2, "Prospect"), new ListItem(3, "Partner")]);
            s.Businesses.AddRange([new ListItem(1, "Retail"), new ListItem(2, "Manufacturing"), new ListItem(3, "Software"), new ListItem(4, "Finance")]);
            s.Countries.AddRange([
                new ListItem(752, "Sweden", "SE"), new ListItem(578, "Norway", "NO"), new ListItem(208, "Denmark", "DK"),
                new ListItem(246, "Finland", "FI"), new ListItem(276, "Germany", "DE"), new ListItem(826, "United Kingdom", "GB")]);

            AddAssociate(s, 101, UserName, Password, "Demo User", 1, [2]);
            AddAssociate(s, 102, "anna", "anna", "Anna Sales", 1, []);
            AddAssociate(s, 103, "bo", "bo", "Bo Sales", 1, []);
            AddAssociate(s, 104, "mia", "mia", "Mia Marketing", 2, []);
            AddAssociate(s, 105, "system", "system", "Relay System User", 2, [1]);
            s.Associates[101].IsAdministrator = true;
            s.Tickets[Ticket] = new TicketRecord { Ticket = Ticket, AssociateId = 101, ExpiresAt = s.Now + TimeSpan.FromDays(30) };
        });

        var companies = new List<CompanyRecord>();
        for (var i = 0; i < 40; i++)
        {
            var company = store.AddCompany($"{CompanyWords[i % CompanyWords.Length]} {CompanySuffixes[i % CompanySuffixes.Length]} {i / CompanyWords.Length + 1}", 102 + (i % 3));
            store.Write(s =>
            {
                company.CountryId = s.Countries[i % s.Countries.Count].Id;
                company.CategoryId = 1 + (i % 3);
                company.BusinessId = 1 + (i % 4);
            });
            companies.Add(company);
        }

        var people = new List<PersonRecord>();
        for (var i = 0; i < persons; i++)
        {
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];
            var company = companies[i % companies.Count];
            var email = i < 4 ? SharedEmails[i / 2] : $"{first}.{last}.{i}@{company.Name.Split(' ')[0]}.example".ToLowerInvariant();
            var person = store.AddPerson(first, last, email, company.CompanyId);
            store.Write(_ =>
            {
                person.Title = i % 5 == 0 ? "CEO" : i % 3 == 0 ? "Marketing manager" : "Buyer";
                person.OfficePhone = $"+46 8 {100000 + i}";
                person.MobilePhone = $"+46 70 {200000 + i}";
                if (random.Next(3) == 0)
                {
                    person.InterestIds.Add(1 + random.Next(8));
                }
            });
            people.Add(person);
        }

        var newsletter = store.AddSelection("Newsletter subscribers");
        var webinar = store.AddSelection("Webinar attendees");
        store.AddSelection("Hot leads");
        var customers = store.AddSelection("All customers (dynamic)", "Dynamic");
        store.Write(_ => customers.DynamicCategoryId = 1);
        store.AddSelectionMembers(newsletter.SelectionId, people.Where((_, i) => i % 3 == 0));
        store.AddSelectionMembers(webinar.SelectionId, people.Where((_, i) => i % 7 == 0));

        var launch = store.AddProject("Spring launch");
        store.AddProject("Partner onboarding");
        store.AddProject("Customer day 2027");
        store.Write(s =>
        {
            foreach (var person in people.Where((_, i) => i % 10 == 0))
            {
                launch.Members.Add((s.NextId(), person.PersonId, person.CompanyId));
            }
        });
    }

    private static void AddAssociate(EmulatorStore s, int id, string userName, string password, string fullName, int groupId, int[] secondaryGroups)
    {
        var associate = new AssociateRecord
        {
            AssociateId = id,
            UserName = userName,
            Password = password,
            FullName = fullName,
            Email = userName + "@relay-demo.example",
            GroupId = groupId,
        };
        associate.SecondaryGroups.AddRange(secondaryGroups);
        s.Associates[id] = associate;
    }
}
