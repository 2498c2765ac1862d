using Relay.Crm;

namespace Relay.NetServer.Tests;

/// <summary>Which NetServer addresses a tenant may name: public https hosts, and the hosts the operator lists.</summary>
public sealed class AddressPolicyTests
{
    private static readonly CrmAddressPolicy Strict = new();

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("https://[fe80::1]/SuperOffice", "link-local")]
    [InlineData("https://[::ffff:169.254.169.254]/SuperOffice", "link-local")]
    [InlineData("https://10.1.2.3/SuperOffice", "private")]
    [InlineData("https://172.20.0.1/SuperOffice", "private")]
    [InlineData("https://192.168.1.10/SuperOffice", "private")]
    [InlineData("https://[fd12:3456::1]/SuperOffice", "private")]
    [InlineData("https://127.0.0.1/SuperOffice", "loopback")]
    [InlineData("https://2130706433/SuperOffice", "loopback")]
    [InlineData("https://[::1]/SuperOffice", "loopback")]
    [InlineData("https://0.0.0.0/SuperOffice", "unspecified")]
    [InlineData("https://[::]/SuperOffice", "unspecified")]
    [InlineData("https://224.0.0.1/SuperOffice", "multicast")]
    public void An_address_that_is_not_public_is_refused_naming_the_rule_and_the_setting(string baseUrl, string rule)
    {
        var problem = Strict.CheckShape(baseUrl).ShouldNotBeNull();

        problem.ShouldStartWith("crm.baseUrl: ");
        problem.ShouldContain(rule);
        problem.ShouldContain(CrmAddressPolicy.AllowedHostsSetting);
    }

    [Theory]
    [InlineData("https://crm.example.com/SuperOffice?tenant=1")]
    [InlineData("https://crm.example.com/SuperOffice#x")]
    [InlineData("https://user:pw@crm.example.com/SuperOffice")]
    public void A_query_fragment_or_user_info_is_refused(string baseUrl) =>
        Strict.CheckShape(baseUrl).ShouldNotBeNull().ShouldContain("query");

    [Fact]
    public void Http_is_refused_for_a_host_that_is_not_listed() =>
        Strict.CheckShape("http://crm.example.com/SuperOffice").ShouldNotBeNull().ShouldContain("must use https");

    [Theory]
    [InlineData("https://online.superoffice.com/Cust12345")]
    [InlineData("https://crm.example.com/SuperOffice")]
    [InlineData("https://93.184.216.34/SuperOffice")]
    [InlineData("memory://demo")]
    public void A_public_https_address_or_the_in_memory_CRM_is_accepted(string baseUrl) =>
        Strict.CheckShape(baseUrl).ShouldBeNull();

    [Fact]
    public void A_listed_host_is_accepted_on_a_private_address_and_over_http()
    {
        var policy = new CrmAddressPolicy(["10.1.2.3", "crm.corp.internal:8080", "[fd00::7]"]);

        policy.CheckShape("https://10.1.2.3/SuperOffice").ShouldBeNull();
        policy.CheckShape("http://10.1.2.3/SuperOffice").ShouldBeNull();
        policy.CheckShape("http://crm.corp.internal:8080/SuperOffice").ShouldBeNull();
        policy.CheckShape("https://[fd00::7]/SuperOffice").ShouldBeNull();

        // An entry with a port allows that port only.
        policy.CheckShape("http://crm.corp.internal:8081/SuperOffice").ShouldNotBeNull();
        policy.CheckShape("https://10.1.2.4/SuperOffice").ShouldNotBeNull();
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_when_saved()
    {
        var problem = await Strict.CheckAsync("https://localhost/SuperOffice");

        problem.ShouldNotBeNull().ShouldContain("loopback");
        (await new CrmAddressPolicy(["localhost"]).CheckAsync("https://localhost/SuperOffice")).ShouldBeNull();
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_yet_is_left_to_the_check_at_connect_time() =>
        (await Strict.CheckAsync("https://crm.relay-test.invalid/SuperOffice")).ShouldBeNull();
}
