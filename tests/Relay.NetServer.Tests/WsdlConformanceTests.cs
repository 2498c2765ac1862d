using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Relay.NetServerEmulator.Soap;
using Relay.NetServerEmulator.Wsdl;

namespace Relay.NetServer.Tests;

/// <summary>The client and the emulator against SuperOffice's real WSDLs, for Services75 and Services88.</summary>
public sealed class WsdlConformanceTests
{
    private static readonly XNamespace Soap11 = "http://schemas.xmlsoap.org/soap/envelope/";

    [Fact]
    public void The_shared_WSDL_folder_is_found_beside_the_repository()
    {
        // Fails with the expected location when ../shared/netserver-wsdl is missing.
        var folder = WsdlLibrary.LocateFolder();
        Directory.Exists(Path.Combine(folder, "Services75")).ShouldBeTrue();
        Directory.Exists(Path.Combine(folder, "Services88")).ShouldBeTrue();
    }

    [Fact]
    public void A_WSDL_folder_without_Services75_counts_as_absent_and_is_named()
    {
        var empty = EmulatorSession.NoWsdlFolder.Value;
        var lookup = WsdlLibrary.Locate(empty);
        lookup.Library.ShouldBeNull();
        lookup.Searched.ShouldContain(empty);
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public void The_emulators_own_operation_table_agrees_with_the_WSDL(string version)
    {
        foreach (var agent in OperationTable.Agents)
        {
            var wsdl = SharedWsdl.Get(version, agent);
            foreach (var operation in OperationTable.Of(version, agent))
            {
                var declared = wsdl.Operations.GetValueOrDefault(operation.Name).ShouldNotBeNull($"Services{version}/{agent}.{operation.Name}");
                operation.SoapAction.ShouldBe(declared.SoapAction);
                operation.InputElement.ShouldBe(declared.InputElement);
                operation.OutputElement.ShouldBe(declared.OutputElement, $"{agent}.{operation.Name}");
                operation.InputHeaders.ShouldBe(declared.InputHeaders, $"{agent}.{operation.Name}");
                operation.OutputHeaders.ShouldBe(declared.OutputHeaders, $"{agent}.{operation.Name}");
            }
        }

        foreach (var (agent, operation) in EveryOperation.UsedBy(version))
        {
            OperationTable.Of(version, agent).ShouldContain(o => o.Name == operation, $"{agent}.{operation}");
        }
    }

    [Fact]
    public void A_missing_WSDL_file_is_reported_with_its_path()
    {
        var library = new WsdlLibrary(Path.Combine(Path.GetTempPath(), "no-such-wsdl-folder"));
        var error = Should.Throw<FileNotFoundException>(() => library.Get("75", "Person"));
        error.Message.ShouldContain(Path.Combine("no-such-wsdl-folder", "Services75", "WcfPerson.wsdl"));
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public void Every_operation_the_client_uses_exists_in_the_WSDL_with_the_SOAPAction_the_client_sends(string version)
    {
        foreach (var (agent, operation) in EveryOperation.UsedBy(version))
        {
            var contract = SharedWsdl.Get(version, agent);
            contract.Operations.ShouldContainKey(operation, $"Services{version}/{agent}");
            contract.Operations[operation].SoapAction.ShouldBe($"http://www.superoffice.net/ws/crm/NetServer/Services{version}/{agent}/{operation}");
        }
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public async Task Request_envelopes_the_client_puts_on_the_wire_validate_against_the_WSDL_schemas(string version)
    {
        // The emulator's own validation is off, so every envelope reaches the log exactly as sent.
        await using var session = await EmulatorSession.StartAsync(version, configure: (_, options) => options.ValidateRequests = false);
        await EveryOperation.RunAsync(session);

        var requests = session.Emulator.Requests.Snapshot();
        requests.Select(r => (r.Agent, r.Operation)).Distinct().OrderBy(x => x).ShouldBe(EveryOperation.UsedBy(version).OrderBy(x => x));
        foreach (var request in requests)
        {
            var contract = SharedWsdl.Get(version, request.Agent);
            var operation = contract.Operations[request.Operation];
            request.SoapAction.ShouldBe(operation.SoapAction);
            request.ContentType.ShouldNotBeNull().ShouldStartWith("text/xml");
            request.Status.ShouldBe(200, $"{request.Agent}.{request.Operation}: {request.Outcome}");

            var envelope = XElement.Parse(request.RequestEnvelope);
            envelope.Name.ShouldBe(Soap11 + "Envelope");
            var body = envelope.Element(Soap11 + "Body")!.Elements().Single();
            body.Name.ShouldBe(XName.Get(operation.InputElement, contract.Namespace));
            contract.Validate(body).ShouldBeEmpty($"{request.Agent}.{request.Operation} body");

            var headers = envelope.Element(Soap11 + "Header")?.Elements().ToList() ?? [];
            headers.Select(h => h.Name.LocalName).ShouldBeSubsetOf(operation.InputHeaders);
            headers.ShouldAllBe(h => h.Name.NamespaceName == contract.Namespace);
            foreach (var header in headers)
            {
                contract.Validate(header).ShouldBeEmpty($"{request.Agent}.{request.Operation} header {header.Name.LocalName}");
            }

            if (request.Agent != "SoPrincipal")
            {
                headers.Select(h => h.Name.LocalName).ShouldBe(["ApplicationToken", "Credentials", "TimeZone"]);
            }
        }
    }

    [Theory]
    [InlineData("75", true)]
    [InlineData("88", true)]
    [InlineData("75", false)]
    [InlineData("88", false)]
    public async Task Emulator_responses_validate_against_the_WSDL_schemas_with_or_without_the_WSDL_at_hand(string version, bool withWsdl)
    {
        await using var session = await EmulatorSession.StartAsync(version, withWsdl: withWsdl);
        await EveryOperation.RunAsync(session);
        using var http = new HttpClient();
        await CallWhatTheClientDoesNotAsync(http, session, version);
        var requests = session.Emulator.Requests.Snapshot().DistinctBy(r => (r.Agent, r.Operation)).ToList();
        requests.Select(r => $"{r.Agent}.{r.Operation}").Order().ShouldBe(
            OperationTable.Agents.SelectMany(agent => OperationTable.Of(version, agent).Select(o => $"{agent}.{o.Name}")).Order(),
            "every operation of the emulator's table is checked");

        // Replay every captured request and validate what comes back, headers and body.
        foreach (var request in requests)
        {
            using var content = new StringContent(request.RequestEnvelope, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(session.Emulator.BaseUrl, request.Path)) { Content = content };
            message.Headers.Add("SOAPAction", $"\"{request.SoapAction}\"");
            using var response = await http.SendAsync(message);
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/xml");

            var contract = SharedWsdl.Get(version, request.Agent);
            var operation = contract.Operations[request.Operation];
            var envelope = XElement.Parse(await response.Content.ReadAsStringAsync());
            var headers = envelope.Element(Soap11 + "Header")!.Elements().ToList();
            headers.Select(h => h.Name.LocalName).ShouldBe(operation.OutputHeaders);
            var succeeded = headers.Single(h => h.Name.LocalName == "Succeeded");
            succeeded.Value.ShouldBe("true", $"{request.Agent}.{request.Operation}");
            foreach (var header in headers)
            {
                contract.Validate(header).ShouldBeEmpty($"{request.Agent}.{request.Operation} header {header.Name.LocalName}");
            }

            var body = envelope.Element(Soap11 + "Body")!.Elements().Single();
            body.Name.ShouldBe(XName.Get(operation.OutputElement, contract.Namespace));
            contract.Validate(body).ShouldBeEmpty($"{request.Agent}.{request.Operation} response");
        }
    }

    /// <summary>The emulator's operations Relay's client does not call, by hand, so their answers are checked too.</summary>
    private static async Task CallWhatTheClientDoesNotAsync(HttpClient http, EmulatorSession session, string version)
    {
        var (companyId, saleId, appointmentId, projectId) = session.Store.Read(s => (
            s.Companies.Keys.First(), s.Sales.Keys.First(), s.Appointments.Keys.First(), s.Projects.Values.First(p => p.Members.Count > 0).ProjectId));
        var ns = OperationTable.NamespaceOf(version);
        var calls = new (string Agent, string Body)[]
        {
            ("Contact", $"<GetContactEntity xmlns=\"{ns}\"><ContactEntityId>{companyId}</ContactEntityId></GetContactEntity>"),
            ("Sale", $"<GetSaleEntity xmlns=\"{ns}\"><SaleEntityId>{saleId}</SaleEntityId></GetSaleEntity>"),
            ("Appointment", $"<GetAppointmentEntity xmlns=\"{ns}\"><AppointmentEntityId>{appointmentId}</AppointmentEntityId></GetAppointmentEntity>"),
            ("Project", $"<GetProjectMembers xmlns=\"{ns}\"><ProjectId>{projectId}</ProjectId></GetProjectMembers>"),
            ("Associate", $"<GetAssociate xmlns=\"{ns}\"><AssociateId>101</AssociateId></GetAssociate>"),
            ("Associate", $"<GetAssociateList xmlns=\"{ns}\"><AssociateIds xmlns:a=\"http://schemas.microsoft.com/2003/10/Serialization/Arrays\"><a:int>101</a:int><a:int>102</a:int></AssociateIds></GetAssociateList>"),
        };
        foreach (var (agent, body) in calls)
        {
            var operation = XElement.Parse(body).Name.LocalName;
            var envelope = $"""<s:Envelope xmlns:s="{Soap11}"><s:Header><Credentials xmlns="{ns}"><Ticket>{NetServerEmulator.Data.DemoSeed.Ticket}</Ticket></Credentials></s:Header><s:Body>{body}</s:Body></s:Envelope>""";
            using var content = new StringContent(envelope, Encoding.UTF8, "text/xml");
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(session.Emulator.BaseUrl, $"Remote/Services{version}/{agent}.svc")) { Content = content };
            message.Headers.Add("SOAPAction", $"{ns}/{agent}/{operation}");
            using var response = await http.SendAsync(message);
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, $"{agent}.{operation}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [InlineData("75", true)]
    [InlineData("88", true)]
    [InlineData("75", false)]
    [InlineData("88", false)]
    public async Task A_failure_response_carries_ExceptionInfo_that_validates(string version, bool withWsdl)
    {
        await using var session = await EmulatorSession.StartAsync(version, withWsdl: withWsdl);
        session.Emulator.Faults.Add(new() { Operation = "Person.GetPersonEntity", Kind = NetServerEmulator.Faults.FaultKind.ExceptionInfo, ExceptionType = "SoValidationException", Message = "Nope" });
        await Should.ThrowAsync<Crm.CrmException>(() => session.Crm.GetPersonAsync(session.Connection, 1001));

        var request = session.Calls("GetPersonEntity").Single();
        using var http = new HttpClient();
        using var content = new StringContent(request.RequestEnvelope, Encoding.UTF8, "text/xml");
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(session.Emulator.BaseUrl, request.Path)) { Content = content };
        message.Headers.Add("SOAPAction", request.SoapAction);
        using var response = await http.SendAsync(message);
        var envelope = XElement.Parse(await response.Content.ReadAsStringAsync());
        var contract = SharedWsdl.Get(version, "Person");
        var info = envelope.Element(Soap11 + "Header")!.Element(XName.Get("ExceptionInfo", contract.Namespace))!;
        info.Element(XName.Get("ExceptionType", contract.Namespace))!.Value.ShouldBe("SoValidationException");
        contract.Validate(info).ShouldBeEmpty();
        contract.Validate(envelope.Element(Soap11 + "Body")!.Elements().Single()).ShouldBeEmpty();
    }

    [Fact]
    public void Consent_operations_exist_only_in_Services88_as_the_client_expects()
    {
        foreach (var (agent, operation) in EveryOperation.UsedFrom88)
        {
            SharedWsdl.Get("88", agent).Operations.ShouldContainKey(operation);
            SharedWsdl.Get("75", agent).Operations.ShouldNotContainKey(operation);
        }
    }

    [Fact]
    public async Task The_WSDL_is_served_at_each_agent_address_pointing_at_the_emulator()
    {
        await using var session = await EmulatorSession.StartAsync();
        using var http = new HttpClient();
        foreach (var version in OperationTable.Versions)
        {
            var url = new Uri(session.Emulator.BaseUrl, $"Cust12345/Remote/Services{version}/Person.svc?wsdl");
            var wsdl = XElement.Parse(await http.GetStringAsync(url));
            ((string?)wsdl.Attribute("targetNamespace")).ShouldBe(OperationTable.NamespaceOf(version));
            var address = wsdl.Descendants(XName.Get("address", "http://schemas.xmlsoap.org/wsdl/soap/")).Single();
            ((string?)address.Attribute("location")).ShouldBe(new Uri(session.Emulator.BaseUrl, $"Cust12345/Remote/Services{version}/Person.svc").ToString());
        }
    }
}
