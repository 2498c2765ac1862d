using System.Net;
using System.Text;
using System.Xml.Linq;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServer.Tests;

/// <summary>The emulator answers plain SOAP 1.1 written by hand and sent with HttpClient, no WCF involved.</summary>
public sealed class RawSoapTests
{
    private const string Ns = "http://www.superoffice.net/ws/crm/NetServer/Services75";

    private static async Task<(HttpStatusCode Status, string Text)> PostAsync(Uri url, string action, string envelope, string contentType = "text/xml; charset=utf-8")
    {
        using var http = new HttpClient();
        using var content = new StringContent(envelope, Encoding.UTF8);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.TryAddWithoutValidation("SOAPAction", $"\"{action}\"");
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_hand_written_FindAddress_envelope_returns_both_persons_sharing_the_address()
    {
        await using var session = await EmulatorSession.StartAsync();
        var envelope = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
              <soap:Header>
                <ApplicationToken xmlns="{Ns}">any-token</ApplicationToken>
                <Credentials xmlns="{Ns}"><Ticket>{DemoSeed.Ticket}</Ticket></Credentials>
              </soap:Header>
              <soap:Body>
                <FindAddress xmlns="{Ns}"><Address>{DemoSeed.SharedEmails[0]}</Address></FindAddress>
              </soap:Body>
            </soap:Envelope>
            """;

        var (status, text) = await PostAsync(new Uri(session.Emulator.BaseUrl, "Cust12345/Remote/Services75/EMail.svc"), $"{Ns}/EMail/FindAddress", envelope);

        status.ShouldBe(HttpStatusCode.OK);
        var xml = XElement.Parse(text);
        XNamespace ns = Ns;
        xml.Descendants(ns + "Succeeded").Single().Value.ShouldBe("true");
        var found = xml.Descendants(ns + "EMailAddress").ToList();
        found.Count.ShouldBe(2);
        found.ShouldAllBe(e => e.Element(ns + "Address")!.Value == DemoSeed.SharedEmails[0]);
        found.Select(e => e.Element(ns + "PersonId")!.Value).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public async Task A_hand_written_login_returns_a_7T_ticket_and_the_principal()
    {
        await using var session = await EmulatorSession.StartAsync();
        var envelope = $"""
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
              <AuthenticateUsernamePassword xmlns="{Ns}"><UserName>{DemoSeed.UserName}</UserName><Password>{DemoSeed.Password}</Password></AuthenticateUsernamePassword>
            </s:Body></s:Envelope>
            """;

        var (status, text) = await PostAsync(new Uri(session.Emulator.BaseUrl, "Remote/Services75/SoPrincipal.svc"), $"{Ns}/SoPrincipal/AuthenticateUsernamePassword", envelope);

        status.ShouldBe(HttpStatusCode.OK);
        XNamespace ns = Ns;
        var response = XElement.Parse(text).Descendants(ns + "AuthenticateResponse").Single();
        response.Element(ns + "AuthenticationSucceeded")!.Value.ShouldBe("true");
        response.Element(ns + "Credentials")!.Element(ns + "Ticket")!.Value.ShouldStartWith("7T:");
        response.Element(ns + "Response")!.Element(ns + "AssociateId")!.Value.ShouldBe("101");
    }

    [Fact]
    public async Task A_call_without_a_ticket_is_answered_with_ExceptionInfo_not_a_fault()
    {
        await using var session = await EmulatorSession.StartAsync();
        var envelope = $"""<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetPersonEntity xmlns="{Ns}"><PersonEntityId>1001</PersonEntityId></GetPersonEntity></s:Body></s:Envelope>""";

        var (status, text) = await PostAsync(new Uri(session.Emulator.BaseUrl, "Remote/Services75/Person.svc"), $"{Ns}/Person/GetPersonEntity", envelope);

        status.ShouldBe(HttpStatusCode.OK);
        XNamespace ns = Ns;
        var xml = XElement.Parse(text);
        xml.Descendants(ns + "Succeeded").Single().Value.ShouldBe("false");
        xml.Descendants(ns + "ExceptionInfo").Single().Element(ns + "ExceptionType")!.Value.ShouldBe("SoSessionExpiredException");
    }

    [Fact]
    public async Task A_SOAP_1_2_content_type_is_refused_with_415()
    {
        await using var session = await EmulatorSession.StartAsync();
        var (status, _) = await PostAsync(
            new Uri(session.Emulator.BaseUrl, "Remote/Services75/Person.svc"), $"{Ns}/Person/GetPersonEntity", "<x/>", "application/soap+xml; charset=utf-8");
        status.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task An_unknown_SOAPAction_gets_an_ActionNotSupported_fault()
    {
        await using var session = await EmulatorSession.StartAsync();
        var (status, text) = await PostAsync(new Uri(session.Emulator.BaseUrl, "Remote/Services75/Person.svc"), $"{Ns}/Person/NoSuchOperation", "<x/>");
        status.ShouldBe(HttpStatusCode.InternalServerError);
        text.ShouldContain("ActionNotSupported");
    }

    [Fact]
    public async Task A_body_out_of_WSDL_order_gets_a_DeserializationFailed_fault()
    {
        await using var session = await EmulatorSession.StartAsync();
        var envelope = $"""
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><Credentials xmlns="{Ns}"><Ticket>{DemoSeed.Ticket}</Ticket></Credentials></s:Header><s:Body>
              <AddContactSelectionMembers xmlns="{Ns}"><ContactPersonIds /><SelectionId>1</SelectionId></AddContactSelectionMembers>
            </s:Body></s:Envelope>
            """;
        var (status, text) = await PostAsync(new Uri(session.Emulator.BaseUrl, "Remote/Services75/Selection.svc"), $"{Ns}/Selection/AddContactSelectionMembers", envelope);
        status.ShouldBe(HttpStatusCode.InternalServerError);
        text.ShouldContain("DeserializationFailed");
        session.Store.Ledger().ShouldBeEmpty();
    }

    private static string Login(string headers) => $"""
        <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>{headers}</s:Header><s:Body>
          <AuthenticateUsernamePassword xmlns="{Ns}"><UserName>{DemoSeed.UserName}</UserName><Password>{DemoSeed.Password}</Password></AuthenticateUsernamePassword>
        </s:Body></s:Envelope>
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_TimeZone_header_on_a_login_is_ignored_as_WCF_ignores_headers_it_need_not_understand(bool withWsdl)
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl);
        var envelope = Login($"""<ApplicationToken xmlns="{Ns}">any</ApplicationToken><TimeZone xmlns="{Ns}"><SoTimeZoneId>0</SoTimeZoneId><SoTimeZoneLocationCode>UTC</SoTimeZoneLocationCode></TimeZone><Trace xmlns="urn:example">1</Trace>""");

        var (status, text) = await PostAsync(new Uri(session.Emulator.BaseUrl, "Remote/Services75/SoPrincipal.svc"), $"{Ns}/SoPrincipal/AuthenticateUsernamePassword", envelope);

        status.ShouldBe(HttpStatusCode.OK, text);
        XNamespace ns = Ns;
        var response = XElement.Parse(text).Descendants(ns + "AuthenticateResponse").Single();
        response.Element(ns + "AuthenticationSucceeded")!.Value.ShouldBe("true");
        response.Element(ns + "Credentials")!.Element(ns + "Ticket")!.Value.ShouldStartWith("7T:");
    }

    [Theory]
    [InlineData(true, "1")]
    [InlineData(false, "1")]
    [InlineData(true, "true")]
    [InlineData(false, "true")]
    public async Task An_unknown_header_that_must_be_understood_gets_a_MustUnderstand_fault(bool withWsdl, string mustUnderstand)
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl);
        var envelope = Login($"""<TimeZone xmlns="{Ns}" s:mustUnderstand="{mustUnderstand}"><SoTimeZoneId>0</SoTimeZoneId></TimeZone>""");
        var ticketsBefore = session.Store.Read(s => s.Tickets.Count);

        var (status, text) = await PostAsync(new Uri(session.Emulator.BaseUrl, "Remote/Services75/SoPrincipal.svc"), $"{Ns}/SoPrincipal/AuthenticateUsernamePassword", envelope);

        status.ShouldBe(HttpStatusCode.InternalServerError);
        var fault = XElement.Parse(text).Descendants(XName.Get("Fault", "http://schemas.xmlsoap.org/soap/envelope/")).Single();
        var code = fault.Element("faultcode")!;
        code.Value.ShouldBe("s:MustUnderstand");
        code.GetNamespaceOfPrefix("s")!.NamespaceName.ShouldBe("http://schemas.xmlsoap.org/soap/envelope/");
        fault.Element("faultstring")!.Value.ShouldContain("'TimeZone'");
        session.Store.Read(s => s.Tickets.Count).ShouldBe(ticketsBefore, "no login happened");
    }

    [Fact]
    public async Task Without_the_WSDL_files_wsdl_answers_404_saying_whose_they_are_and_where_they_are_looked_for()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: false);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(session.Emulator.BaseUrl, "Cust12345/Remote/Services75/Person.svc?wsdl"));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("SuperOffice");
        text.ShouldContain(EmulatorSession.NoWsdlFolder.Value);
        text.ShouldContain("RELAY_NETSERVER_WSDL_DIR");
    }
}
