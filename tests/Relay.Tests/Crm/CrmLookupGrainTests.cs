using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.Tests.Panels;

namespace Relay.Tests.Crm;

/// <summary>The SuperOffice look-ups the web host asks a silo for, against the emulator through the NetServer adapter.</summary>
public sealed class CrmLookupGrainTests(PanelHost host) : IClassFixture<PanelHost>
{
    private ICrmLookupGrain Lookups => host.Grains.GetGrain<ICrmLookupGrain>(host.Tenant);

    [Fact]
    public async Task A_ticket_resolves_to_its_user_with_groups_and_a_forged_one_to_nobody()
    {
        var user = (await Lookups.ResolveUserTicketAsync(NetServerEmulator.Data.DemoSeed.Ticket)).ShouldNotBeNull();
        user.AssociateId.ShouldBe(PanelHost.DemoUser);
        user.GroupIds.Prepend(user.PrimaryGroupId).ShouldContain(1);

        (await Lookups.ResolveUserTicketAsync("7T:Zm9yZ2VkLXRpY2tldA==")).ShouldBeNull();
    }

    [Fact]
    public async Task A_refused_ticket_is_remembered_by_its_hash_so_checking_it_again_costs_no_second_login()
    {
        var junk = "7T:remembered" + Guid.NewGuid().ToString("N");

        (await Lookups.ResolveUserTicketAsync(junk)).ShouldBeNull();
        (await Lookups.ResolveUserTicketAsync(junk)).ShouldBeNull();

        host.LoginsWith(junk).ShouldBe(1);
    }

    [Fact]
    public async Task A_valid_ticket_checked_again_soon_costs_no_second_login()
    {
        var ticket = host.Emulator.Store.IssueTicket(102).Ticket;

        (await Lookups.ResolveUserTicketAsync(ticket)).ShouldNotBeNull().AssociateId.ShouldBe(102);
        (await Lookups.ResolveUserTicketAsync(ticket)).ShouldNotBeNull().AssociateId.ShouldBe(102);

        host.LoginsWith(ticket).ShouldBe(1);
    }

    [Fact]
    public async Task With_a_users_ticket_a_person_their_groups_may_not_read_is_neither_found_nor_readable_while_the_tenants_sign_in_sees_it()
    {
        var surname = "Hidden" + Guid.NewGuid().ToString("N")[..8];
        var crm = new EmulatorTestCrm(host.Emulator);
        var visible = crm.SeedPerson("Vera", surname, Build.Email());
        var hidden = crm.SeedPerson("Hanna", surname, Build.Email());
        host.Emulator.Store.RestrictPerson(hidden, [2]).ShouldBeTrue();
        var salesOnly = host.Emulator.Store.IssueTicket(102).Ticket;

        var asUser = await Lookups.SearchPersonsAsync(surname, 20, salesOnly);
        var asTenant = await Lookups.SearchPersonsAsync(surname, 20);

        asUser.Select(p => p.PersonId).ShouldBe([visible]);
        asTenant.Select(p => p.PersonId).ShouldBe([visible, hidden], ignoreOrder: true);
        (await Lookups.GetPersonAsync(hidden, salesOnly)).ShouldBeNull();
        (await Lookups.GetPersonAsync(visible, salesOnly)).ShouldNotBeNull();
        (await Lookups.GetPersonAsync(hidden)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_users_ticket_SuperOffice_no_longer_accepts_is_a_permanent_failure_not_a_silent_fall_back_to_the_tenants_sign_in()
    {
        var ticket = host.Emulator.Store.IssueTicket(102).Ticket;
        host.Emulator.Store.ExpireTickets(ticket);

        var refused = await Should.ThrowAsync<CrmException>(() => Lookups.SearchPersonsAsync("Berg", 5, ticket));

        refused.ErrorType.ShouldBe("UserTicketRejected");
        refused.Kind.ShouldBe(CrmErrorKind.Permanent);
    }

    [Theory]
    [InlineData(CrmList.UserGroups, "Sales")]
    [InlineData(CrmList.SaleTypes, "Upsell")]
    [InlineData(CrmList.TaskTypes, "Phone call")]
    [InlineData(CrmList.Interests, "Webinars")]
    [InlineData(CrmList.Associates, "Anna Sales")]
    public async Task A_pick_list_comes_from_the_tenants_SuperOffice(CrmList list, string expected) =>
        (await Lookups.GetListAsync(list)).Select(i => i.Name).ShouldContain(expected);

    [Fact]
    public async Task A_person_search_finds_persons_by_e_mail_and_refuses_fewer_than_three_characters()
    {
        var shared = NetServerEmulator.Data.DemoSeed.SharedEmails[0];
        (await Lookups.SearchPersonsAsync(shared, 20)).Count.ShouldBe(2);

        var tooShort = await Should.ThrowAsync<CrmException>(() => Lookups.SearchPersonsAsync("ab", 20));
        tooShort.ErrorType.ShouldBe("SearchTooShort");
    }

    [Fact]
    public async Task An_unknown_tenant_is_refused_as_permanent_without_calling_SuperOffice()
    {
        var before = host.Emulator.Requests.Total;

        var refused = await Should.ThrowAsync<CrmException>(() => host.Grains.GetGrain<ICrmLookupGrain>("no-such-" + Guid.NewGuid().ToString("N")[..8]).GetListAsync(CrmList.UserGroups));

        refused.Kind.ShouldBe(CrmErrorKind.Permanent);
        refused.ErrorType.ShouldBe("TenantNotFound");
        host.Emulator.Requests.Total.ShouldBe(before);
    }
}
