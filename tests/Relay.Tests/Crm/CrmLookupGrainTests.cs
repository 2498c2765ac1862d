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
