using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Relay.Access;
using Relay.Crm;
using Relay.Crm.NetServer;

namespace Relay.Feed.Webhooks;

/// <summary>
/// POSTs one feed event to a webhook URL, signed <c>Relay-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of
/// "t.body"&gt;</c> with each active signing secret of the tenant (the scheme Relay's ingest accepts). Connections go only
/// to addresses <see cref="CrmAddressPolicy"/> allows, checked on the address a name resolves to at connect time; redirects
/// are not followed. One long-lived client with pooled connections that are renewed every few minutes (so DNS changes are
/// seen), as the Online adapter's client does: the grain project carries no HTTP client factory.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "Relay-Signature";

    /// <summary>The header naming the event's id, by which a receiver drops a repeat.</summary>
    public const string EventIdHeader = "Relay-Event-Id";

    /// <summary>The header naming the event's type.</summary>
    public const string EventTypeHeader = "Relay-Event-Type";

    private readonly HttpClient _client;
    private readonly CrmAddressPolicy _addresses;

    public WebhookSender(CrmAddressPolicy addresses, IOptions<WebhookOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _addresses = addresses;

        // NetServer's connector: the same check of the resolved address, at every connection.
        var connector = new NetServerConnector(addresses);
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = (context, cancellationToken) => connector.ConnectAsync(context.DnsEndPoint, cancellationToken),
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = options.Value.Timeout,
        };
    }

    /// <summary>The <c>Relay-Signature</c> value for <paramref name="body"/> at <paramref name="timestamp"/>: one <c>v1</c> per key.</summary>
    public static string Signature(IEnumerable<SigningKey> keys, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var header = new StringBuilder("t=").Append(timestamp.ToString(CultureInfo.InvariantCulture));
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        foreach (var key in keys)
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key.Key);
            hmac.AppendData(prefix);
            hmac.AppendData(body);
            header.Append(",v1=").Append(Convert.ToHexStringLower(hmac.GetHashAndReset()));
        }

        return header.ToString();
    }

    /// <summary>The JSON body of an entry, in the API's conventions.</summary>
    public static byte[] Body(FeedEntry entry) => JsonSerializer.SerializeToUtf8Bytes(FeedEventMessage.Of(entry), RelayJson.Options);

    /// <summary>Sends one event; never throws for the receiver's or the network's failures.</summary>
    public async Task<WebhookAttempt> SendAsync(string url, FeedEntry entry, ImmutableArray<SigningKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_addresses.CheckShape(url) is { } problem)
        {
            return new WebhookAttempt(false, null, WebhookRules.AsWebhookProblem(problem), 0);
        }

        if (keys.IsDefaultOrEmpty)
        {
            return new WebhookAttempt(false, null, "The tenant has no active signing secret to sign webhooks with.", 0);
        }

        var body = Body(entry);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(SignatureHeader, Signature(keys, now.ToUnixTimeSeconds(), body));
        request.Headers.TryAddWithoutValidation(EventIdHeader, entry.Event.Id);
        request.Headers.TryAddWithoutValidation(EventTypeHeader, entry.Event.Type);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var ok = response.IsSuccessStatusCode;
            return new WebhookAttempt(ok, (int)response.StatusCode, ok ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", Elapsed(watch));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or CrmException or NotSupportedException or InvalidOperationException or UriFormatException)
        {
            var reason = ex is TaskCanceledException ? "No answer in time"
                : (ex as CrmException ?? ex.InnerException as CrmException) is { } refused ? WebhookRules.AsWebhookProblem(refused.Message.Replace("NetServer connection refused: ", "Connection refused: ", StringComparison.Ordinal))
                : ex.Message;
            return new WebhookAttempt(false, null, reason, Elapsed(watch));
        }
    }

    public void Dispose() => _client.Dispose();

    private static int Elapsed(Stopwatch watch) => (int)Math.Min(watch.ElapsedMilliseconds, int.MaxValue);
}

/// <summary>How one POST ended: delivered (2xx), or the status or error.</summary>
public sealed record WebhookAttempt(bool Delivered, int? StatusCode, string? Error, int Milliseconds);
