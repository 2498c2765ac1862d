using System.Net;
using Microsoft.AspNetCore.Hosting;
using Relay.Tests.Web;

namespace Relay.Tests.Panels;

/// <summary>A Relay whose CRM is the in-memory one cannot check SuperOffice tickets, and says so.</summary>
public sealed class PanelsWithoutSuperOfficeTests
{
    [Fact]
    public async Task With_the_in_memory_CRM_a_panel_link_is_a_503_page_that_names_the_missing_connection()
    {
        await using var host = new RelayWebFactory();
        await using var inMemory = host.WithWebHostBuilder(b => b.UseSetting("Relay:Crm:Mode", "InMemory").UseSetting("Relay:Emulator:Enabled", "false"));
        using var http = inMemory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await Eventually.GetAsync(
            () => http.GetAsync("/panels/demo/leads?uctx=Cust12345&usid=101&usec=7T:ZGVtby10aWNrZXQtcmVsYXk%3D"),
            r => r.StatusCode != HttpStatusCode.Forbidden,
            "the demo tenant to be seeded");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Panels need SuperOffice");
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }
}
