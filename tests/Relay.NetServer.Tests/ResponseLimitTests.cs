using System.Net.Http.Headers;
using System.ServiceModel;
using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServer.Tests;

/// <summary>An answer larger than <see cref="NetServerOptions.MaxReceivedMessageSize"/> is refused, with or without a Content-Length.</summary>
public sealed class ResponseLimitTests
{
    private const long Limit = 64 * 1024;

    private static async Task<(EmulatorSession Session, int SelectionId)> StartWithSelectionAsync(bool chunked)
    {
        var session = await EmulatorSession.StartAsync(configure: (_, options) => options.ChunkedResponses = chunked, maxResponseBytes: Limit);
        var selection = session.Store.AddSelection("Oversized page");
        var persons = Enumerable.Range(0, 1_000).Select(i => session.Store.AddPerson("P", $"N{i}", $"p{i}@limit.example")).ToList();
        session.Store.AddSelectionMembers(selection.SelectionId, persons);
        return (session, selection.SelectionId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_page_over_the_limit_fails_permanently_and_a_page_under_it_is_read(bool chunked)
    {
        var (session, selectionId) = await StartWithSelectionAsync(chunked);
        await using var _ = session;

        var small = await session.Crm.GetSelectionMembersAsync(session.Connection, selectionId, 0, 10);
        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.GetSelectionMembersAsync(session.Connection, selectionId, 0, 1_000));

        small.Items.Count.ShouldBe(10);
        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "ResponseTooLarge"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_emulator_sends_a_Content_Length_unless_told_to_chunk(bool chunked)
    {
        await using var session = await EmulatorSession.StartAsync(configure: (_, options) => options.ChunkedResponses = chunked);
        using var http = new HttpClient();
        using var content = new StringContent(
            $"""<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><AuthenticateUsernamePassword xmlns="http://www.superoffice.net/ws/crm/NetServer/Services75"><UserName>{DemoSeed.UserName}</UserName><Password>{DemoSeed.Password}</Password></AuthenticateUsernamePassword></s:Body></s:Envelope>""",
            new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" });
        content.Headers.Add("SOAPAction", "\"http://www.superoffice.net/ws/crm/NetServer/Services75/SoPrincipal/AuthenticateUsernamePassword\"");

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(session.Emulator.BaseUrl, "Remote/Services75/SoPrincipal.svc")) { Content = content };

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        response.IsSuccessStatusCode.ShouldBeTrue();
        (response.Headers.TransferEncodingChunked == true).ShouldBe(chunked);
        (response.Content.Headers.ContentLength is > 0).ShouldBe(!chunked);
    }

    [Theory]
    [InlineData(false, CrmErrorKind.Permanent)]
    [InlineData(true, CrmErrorKind.Uncertain)]
    public void A_refused_answer_is_permanent_for_a_read_and_uncertain_for_a_write(bool isWrite, CrmErrorKind expected)
    {
        // WCF's shape: the quota message names the limit in parentheses, which must not be read as an HTTP status.
        var refused = new CommunicationException(
            "The maximum message size quota for incoming messages (500) has been exceeded.",
            new QuotaExceededException("The maximum message size quota for incoming messages (500) has been exceeded."));

        var error = NetServerTransport.Classify(refused, "Person", "SavePersonEntity", isWrite);

        (error.Kind, error.ErrorType).ShouldBe((expected, "ResponseTooLarge"));
    }
}
