using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Contacts;
using Relay.NetServerEmulator.Data;
using Relay.Tests.Panels;
using Relay.Web.Imports;

namespace Relay.Tests.Imports;

/// <summary>The import API, its CSV, the admin page and linking by an imported person's id, on the real web host.</summary>
public sealed class ImportApiTests(PanelHost host) : IClassFixture<PanelHost>
{
    private const string Key = "panel-test-key";

    [Fact]
    public async Task An_import_is_started_followed_and_read_as_JSON_pages_and_as_CSV_that_parses_back_to_the_same_records()
    {
        using var http = Client();
        var selectionId = host.Emulator.Store.Read(s => s.Selections.Values.Single(x => x.Name == "Newsletter subscribers").SelectionId);

        using var anonymous = new HttpClient { BaseAddress = host.BaseUrl };
        (await anonymous.PostAsJsonAsync($"/api/tenants/{host.Tenant}/imports", new { source = "selection", id = selectionId })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var started = await http.PostAsJsonAsync($"/api/tenants/{host.Tenant}/imports", new { source = "selection", id = selectionId, pageSize = 30, requestedBy = "test" });
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var location = started.Headers.Location!.ToString();
        var status = await Eventually.GetAsync(
            async () => JsonNode.Parse(await http.GetStringAsync(location))!,
            j => (string?)j["status"] == "completed",
            "the API import to complete");
        var pages = (int)status["pagesDone"]!;
        ((int)status["done"]!).ShouldBe(100);
        ((int)status["percent"]!).ShouldBe(100);

        var fromJson = new List<JsonObject>();
        for (var page = 0; page < pages; page++)
        {
            var body = JsonNode.Parse(await http.GetStringAsync($"{location}/results?page={page}"))!;
            fromJson.AddRange(body["persons"]!.AsArray().Select(p => p!.AsObject()));
        }

        fromJson.Count.ShouldBe((int)status["addressable"]!);
        var csv = await http.GetAsync($"{location}/results.csv");
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var records = CsvReader.Parse(await csv.Content.ReadAsStringAsync());
        records[0].ShouldBe(ImportCsv.Columns, "one header row with the mapped columns");
        records.Skip(1).ShouldNotContain(r => r.SequenceEqual(ImportCsv.Columns));
        records.Count.ShouldBe(fromJson.Count + 1);
        for (var i = 0; i < fromJson.Count; i++)
        {
            var json = fromJson[i];
            var fields = ImportCsv.Columns.Select(c => json[c] is { } v ? ImportCsv.Neutralise(v.ToString()) : "").ToList();
            records[i + 1].ShouldBe(fields, $"CSV record {i + 1}");
        }

        records[1][ImportCsv.Columns.ToList().IndexOf("country")].ShouldNotBeNullOrEmpty();
        records[1][ImportCsv.Columns.ToList().IndexOf("industry")].ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task The_admin_page_shows_the_jobs_with_a_progress_bar_after_signing_in_with_the_form()
    {
        using var http = Client();
        var projectId = host.Emulator.Store.Read(s => s.Projects.Values.OrderBy(p => p.ProjectId).First().ProjectId);
        var started = await http.PostAsJsonAsync($"/api/tenants/{host.Tenant}/imports", new { source = "project", id = projectId });
        var jobId = (string)JsonNode.Parse(await started.Content.ReadAsStringAsync())!["jobId"]!;

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseUrl };
        var page = $"/admin/tenants/{host.Tenant}/imports";
        var anonymous = await browser.GetAsync(page);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        anonymous.Headers.Location!.ToString().ShouldStartWith("/admin/login");
        (await browser.GetAsync($"{page}?key={Key}")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "a key in the URL is not accepted");

        var wrong = await browser.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "nope", ["returnUrl"] = page }));
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        wrong.Headers.Contains("Set-Cookie").ShouldBeFalse();

        var signIn = await browser.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = Key, ["returnUrl"] = page }));
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signIn.Headers.Location!.ToString().ShouldBe(page);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single();
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldContain("path=/admin", Case.Insensitive);
        cookie.ShouldNotContain(Key);

        using var request = new HttpRequestMessage(HttpMethod.Get, page);
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        var html = await (await browser.SendAsync(request)).Content.ReadAsStringAsync();
        html.ShouldContain($"data-job=\"{jobId}\"");
        html.ShouldContain("<progress max=\"100\"");
        html.ShouldContain("<th>Done / total</th>");

        using var forged = new HttpRequestMessage(HttpMethod.Get, page);
        forged.Headers.Add("Cookie", "relay-admin=forged-value");
        (await browser.SendAsync(forged)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_contact_carrying_an_imported_person_s_id_is_linked_at_once_without_an_email_lookup()
    {
        using var http = Client();
        var selectionId = host.Emulator.Store.Read(s => s.Selections.Values.Single(x => x.Name == "Webinar attendees").SelectionId);
        var started = await http.PostAsJsonAsync($"/api/tenants/{host.Tenant}/imports", new { source = "selection", id = selectionId });
        var location = started.Headers.Location!.ToString();
        await Eventually.GetAsync(async () => JsonNode.Parse(await http.GetStringAsync(location))!, j => (string?)j["status"] == "completed", "the import to complete");
        var imported = JsonNode.Parse(await http.GetStringAsync($"{location}/results?page=0"))!["persons"]![3]!;
        var personId = (int)imported["personId"]!;

        // The contact writes from an address SuperOffice does not know; the person id alone must link it.
        var contactId = Build.Id("c");
        var email = Build.Email();
        var trigger = PanelHost.FormTrigger(contactId, email, "Imported");
        trigger["contact"]!["crmPersonId"] = personId;
        await host.SendAsync(host.Tenant, trigger);

        var view = await Eventually.GetAsync(
            () => host.Grains.GetGrain<IContactGrain>(ContactKey.Of(host.Tenant, contactId)).GetViewAsync(0, 1),
            v => v?.Link is not null,
            "the contact to be linked");
        view!.Link!.PersonId.ShouldBe(personId);
        view.Link.Source.ShouldBe(LinkSource.GivenPersonId);
        host.Emulator.Requests.Snapshot().ShouldNotContain(r => r.Operation == "FindAddress" && r.RequestEnvelope.Contains(email, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_results_CSV_writes_a_hostile_imported_name_as_text_so_a_spreadsheet_does_not_run_it()
    {
        using var http = Client();
        var hostile = "=HYPERLINK(\"http://x\",\"y\")";
        var selectionId = host.Emulator.Store.Write(s =>
        {
            var selection = new SelectionRecord { SelectionId = s.NextId(), Name = $"Hostile {Guid.NewGuid():N}", SelectionType = "Static" };
            s.Selections[selection.SelectionId] = selection;
            return selection.SelectionId;
        });
        var person = host.Emulator.Store.AddPerson(hostile, "-2", $"hostile-{Guid.NewGuid():N}@example.com");
        host.Emulator.Store.AddSelectionMembers(selectionId, [person]);

        var started = await http.PostAsJsonAsync($"/api/tenants/{host.Tenant}/imports", new { source = "selection", id = selectionId, requestedBy = "test" });
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var location = started.Headers.Location!.ToString();
        await Eventually.GetAsync(
            async () => JsonNode.Parse(await http.GetStringAsync(location))!,
            j => (string?)j["status"] == "completed",
            "the hostile import to complete");

        var records = CsvReader.Parse(await http.GetStringAsync($"{location}/results.csv"));
        var row = records.Single(r => r[0] == person.PersonId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        row[ImportCsv.Columns.ToList().IndexOf("firstName")].ShouldBe("'" + hostile);
        row[ImportCsv.Columns.ToList().IndexOf("lastName")].ShouldBe("'-2");
    }

    private HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = host.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return http;
    }
}
