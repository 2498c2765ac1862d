using System.Net;

namespace Relay.Tests.Panels;

/// <summary>A Relay without <c>Relay:Online</c>: the Online pages say which settings are missing, and onsite panels are as before.</summary>
public sealed class OnlineNotConfiguredTests(PanelHost host) : IClassFixture<PanelHost>
{
    [Theory]
    [InlineData("/online/install?environment=online")]
    [InlineData("/online/panel-signin?tenant=cust12345&uctx=Cust12345&usid=101&return=%2Fpanels%2Fcust12345%2Fleads")]
    public async Task The_online_pages_are_a_503_naming_the_settings(string path)
    {
        using var http = new HttpClient { BaseAddress = host.BaseUrl };

        var response = await http.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("Relay:Online:ClientId");
        body.ShouldContain("Relay:Online:ClientSecret");
    }
}
