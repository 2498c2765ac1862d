using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Relay.Tests.Feed;

/// <summary>
/// A webhook receiver as a tenant would run one: a real Kestrel on 127.0.0.1 that checks each POST's
/// <c>Relay-Signature</c> with the tenant's secret (as README tells receivers to) and keeps what it received, in order.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly List<JsonObject> _received = [];
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Every event received with a valid signature, in arrival order (repeats included).</summary>
    public IReadOnlyList<JsonObject> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>How many requests carried no valid signature.</summary>
    public int BadSignatures { get; private set; }

    /// <summary>The URL of <paramref name="port"/>, whether anything listens there yet or not.</summary>
    public static string UrlOf(int port) => $"http://127.0.0.1:{port}/hooks/relay";

    /// <summary>Starts listening on <paramref name="port"/>, checking signatures with <paramref name="secret"/>.</summary>
    public static async Task<WebhookReceiver> StartAsync(int port, string secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/relay", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            if (!Verify(request.Headers["Relay-Signature"].ToString(), body, secret))
            {
                receiver.BadSignatures++;
                return Results.Unauthorized();
            }

            lock (receiver._received)
            {
                receiver._received.Add(JsonNode.Parse(body)!.AsObject());
            }

            return Results.NoContent();
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>A receiver's check: <c>t=…</c> within five minutes, and one <c>v1</c> equal to HMAC-SHA256(secret, "t.body").</summary>
    public static bool Verify(string header, byte[] body, string secret)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        if (parts.FirstOrDefault(p => p[0] == "t") is not { } t || !long.TryParse(t[1], CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) > 300)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes($"{timestamp}.").Concat(body).ToArray());
        return parts.Where(p => p[0] == "v1").Any(p => p[1].Length == 64 && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(p[1]), expected));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
