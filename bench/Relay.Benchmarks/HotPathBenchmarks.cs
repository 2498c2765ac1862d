using System.Collections.Immutable;
using System.ServiceModel.Channels;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using BenchmarkDotNet.Attributes;
using Relay.Automations;
using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.Triggers;

namespace Relay.Benchmarks;

/// <summary>Reading and validating one trigger, as the ingest API does for every item of a batch.</summary>
[MemoryDiagnoser]
public class TriggerParsing
{
    private readonly byte[] _json = Encoding.UTF8.GetBytes("""
        {"id":"evt-7f3a9c","type":"email.clicked","occurredAt":"2026-11-29T10:15:00Z",
         "contact":{"id":"c-10293","email":"ann.berg@example.com","firstName":"Ann","lastName":"Berg","title":"CFO",
                    "phone":"+46 8 123 45","mobile":"+46 70 123 45 67","crmPersonId":4711,
                    "company":{"name":"Berg AB","country":"SE","category":"Customer","industry":"Retail"}},
         "content":{"id":"mail-2026-11","name":"November newsletter"},"link":{"url":"https://example.com/pricing"}}
        """);

    [Benchmark]
    public bool ParseAndValidate()
    {
        using var document = JsonDocument.Parse(_json);
        return TriggerParser.Parse(document.RootElement, DateTimeOffset.UtcNow).IsValid;
    }
}

/// <summary>Matching a trigger against a tenant's automations, as the contact grain does for every trigger.</summary>
[MemoryDiagnoser]
public class AutomationMatching
{
    private readonly Trigger _click = new(
        "evt-1", TriggerType.EmailClicked, DateTimeOffset.UtcNow, new ContactFields("c", "a@b.se"),
        new ContentRef("mail-40"), "https://example.com/pricing/enterprise");

    private readonly IReadOnlySet<string> _ranOnce = new HashSet<string> { "auto-3" };
    private ImmutableArray<Automation> _automations;

    /// <summary>How many automations the tenant has.</summary>
    [Params(10, 100)]
    public int Automations { get; set; }

    [GlobalSetup]
    public void Setup() => _automations = [.. Enumerable.Range(0, Automations).Select(i => new Automation(
        $"auto-{i}", null,
        new AutomationMatch((TriggerType)(i % 5), ContentId: i % 3 == 0 ? $"mail-{i}" : null, LinkUrl: i % 5 == 1 ? "https://example.com/pricing" : null, LinkMatch: LinkMatch.Prefix),
        [new AddInterestAction(1)], i % 4 == 0 ? RunPolicy.OncePerContact : RunPolicy.EveryTime))];

    [Benchmark]
    public int Match() => AutomationMatcher.Match(_click, _automations, _ranOnce).Count;
}

/// <summary>Writing a NetServer request envelope and reading a reply, the SOAP adapter's own work per call.</summary>
[MemoryDiagnoser]
public class SoapEnvelopes
{
    private static readonly XNamespace Ns = "http://www.superoffice.net/ws/crm/NetServer/Services75";
    private readonly NetServerEndpoint _endpoint = NetServerEndpoint.From(new CrmConnection("t", "https://crm.example.com/SuperOffice"));
    private readonly NetServerOptions _options = new();
    private readonly MemoryStream _sink = new();
    private byte[] _reply = [];

    [GlobalSetup]
    public void Setup()
    {
        var sale = new XElement(Ns + "SaleEntity");
        foreach (var (name, value) in new[] { ("Heading", "Pricing interest"), ("Amount", "5000"), ("Probability", "20"), ("SaleText", "#relay-ref:RLY-0DAE63FD23F3FB58#") })
        {
            sale.SetMember(EntityMembers.SaleEntity, name, value);
        }

        _saveSale = new XElement(Ns + "SaveSaleEntity", sale);
        _reply = Encoding.UTF8.GetBytes($"""
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>
            <ExceptionInfo xmlns="{Ns}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/><Succeeded xmlns="{Ns}">true</Succeeded>
            </s:Header><s:Body><FindAddressResponse xmlns="{Ns}"><Response>
            {string.Concat(Enumerable.Range(0, 3).Select(i => $"<EMailAddress><ContactId>{10 + i}</ContactId><ContactName>Berg AB</ContactName><PersonId>{100 + i}</PersonId><PersonName>Ann Berg</PersonName><AssociateId>0</AssociateId><Address>ann@berg.se</Address><EmailId>{i}</EmailId></EMailAddress>"))}
            </Response></FindAddressResponse></s:Body></s:Envelope>
            """);
    }

    private XElement _saveSale = null!;

    [Benchmark]
    public long WriteSaveSaleRequest()
    {
        using var request = NetServerTransport.CreateRequest(_endpoint, "Sale", "SaveSaleEntity", _saveSale, "app-token", "7T:ticket", _options);
        _sink.SetLength(0);
        using (var writer = XmlDictionaryWriter.CreateTextWriter(_sink, Encoding.UTF8, ownsStream: false))
        {
            request.WriteMessage(writer);
        }

        return _sink.Length;
    }

    [Benchmark]
    public int ReadFindAddressReply()
    {
        using var reader = XmlDictionaryReader.CreateTextReader(_reply, XmlDictionaryReaderQuotas.Max);
        using var message = Message.CreateMessage(reader, int.MaxValue, MessageVersion.Soap11);
        var reply = NetServerTransport.Read(message, Ns.NamespaceName, "EMail", "FindAddress");
        return reply.Body.Elements().First().Elements().Count();
    }
}
