using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServer.Tests;

/// <summary>One answer of the emulator's REST Agents API.</summary>
internal sealed record RestReply(HttpStatusCode Status, string Text, string? ContentType, HttpResponseHeaders Headers)
{
    /// <summary>The body as JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();
}

/// <summary>Calls the emulator's REST Agents API with plain HttpClient, as a REST adapter would.</summary>
internal sealed class RestApi(Uri root, string prefix = "Cust12345/")
{
    /// <summary>The demo user's ticket, as <c>Authorization</c>.</summary>
    public const string DemoTicket = "SOTicket " + DemoSeed.Ticket;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>POSTs to <c>{prefix}api/v1/Agents/{path}</c> (path may carry a query string).</summary>
    public Task<RestReply> PostAsync(
        string path, string? json = null, string? authorization = DemoTicket, string contentType = "application/json", string? appToken = null) =>
        SendAsync(HttpMethod.Post, "api/v1/Agents/" + path, json, authorization, contentType, appToken);

    public Task<RestReply> PostAsync(string path, object body, string? authorization = DemoTicket) =>
        PostAsync(path, JsonSerializer.Serialize(body), authorization);

    public async Task<RestReply> SendAsync(
        HttpMethod method, string path, string? json = null, string? authorization = DemoTicket, string contentType = "application/json", string? appToken = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(root, prefix + path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        request.Headers.Accept.ParseAdd("application/json");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (appToken is not null)
        {
            request.Headers.TryAddWithoutValidation("SO-AppToken", appToken);
        }

        using var response = await Http.SendAsync(request);
        return new RestReply(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString(), response.Headers);
    }
}
