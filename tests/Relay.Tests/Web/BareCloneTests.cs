using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Relay.Web.Hosting;

namespace Relay.Tests.Web;

/// <summary>
/// The embedded default as a bare clone runs it: no SuperOffice WSDL files beside the repository, so the emulator
/// answers from its own operation table and writer.
/// </summary>
public sealed partial class BareCloneTests
{
    [Fact]
    public async Task Without_the_WSDL_files_the_readme_trigger_is_accepted_and_Ann_is_linked()
    {
        var noWsdl = Directory.CreateTempSubdirectory("relay-bare-clone-").FullName;
        await using var host = new RelayWebFactory();
        await using var bareClone = host.WithWebHostBuilder(builder => builder.UseSetting("Relay:Emulator:WsdlFolder", noWsdl));
        using var client = bareClone.CreateClient();
        var emulator = bareClone.Services.GetRequiredService<EmbeddedEmulator>().Running!;
        using var http = new HttpClient();
        (await http.GetAsync(new Uri(emulator.BaseUrl, "Remote/Services75/Person.svc?wsdl"))).StatusCode.ShouldBe(HttpStatusCode.NotFound, "the emulator runs without WSDL");

        var readme = await File.ReadAllTextAsync(Path.Combine(RepoRoot.Find(), "README.md"));
        var ann = JsonNode.Parse(CurlData().Match(readme).Groups[1].Value)!.AsArray().Single(t => (string?)t!["id"] == "evt-readme-1")!;
        using var response = await client.PostAsJsonAsync("/api/tenants/demo/triggers", new JsonArray(ann.DeepClone()));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var contact = await Eventually.GetAsync(
            async () =>
            {
                using var read = await client.GetAsync("/api/tenants/demo/contacts/c-10293");
                return read.IsSuccessStatusCode ? JsonNode.Parse(await read.Content.ReadAsStringAsync()) : null;
            },
            c => (string?)c?["status"] == "linked" && c!["outcomes"]!.AsArray().Count == 3,
            "Ann to be linked and her three actions done");
        contact!["outcomes"]!.AsArray().Select(o => (string?)o!["kind"]).ShouldBe(["createSale", "notifySalesRep", "addInterest"]);
    }

    /// <summary>The body of the README's first trigger example: <c>curl … -d '[…]'</c>.</summary>
    [GeneratedRegex(@"/api/tenants/demo/triggers.*?-d '(\[.*?\])'", RegexOptions.Singleline)]
    private static partial Regex CurlData();
}
