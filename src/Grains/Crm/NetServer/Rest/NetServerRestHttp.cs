using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Relay.Crm.NetServer.Rest;

/// <summary>Where one tenant's REST web API lives: <c>{root}/v1</c>, the root being <c>{NetServer base}/api</c> or an Online state's <c>Api</c>.</summary>
internal sealed record NetServerRestEndpoint(string TenantId, string ApiRoot)
{
    /// <summary>Reads the endpoint from a tenant's connection; an Online tenant's root comes from its state as <paramref name="apiRoot"/>.</summary>
    public static NetServerRestEndpoint From(CrmConnection connection, string? apiRoot = null)
    {
        if (apiRoot is null)
        {
            // Validated as the SOAP adapter validates it; the REST web API lives in the same application.
            apiRoot = NetServerEndpoint.From(connection).BaseUrl + "/api";
        }

        return new NetServerRestEndpoint(connection.TenantId, apiRoot.TrimEnd('/'));
    }

    /// <summary><c>{root}/v1/Agents/{Agent}/{Operation}</c>, with its query.</summary>
    public Uri AgentUrl(string agent, string operation, (string Name, int Value)? query) =>
        new(query is { } q
            ? $"{ApiRoot}/v1/Agents/{agent}/{operation}?{q.Name}={q.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : $"{ApiRoot}/v1/Agents/{agent}/{operation}");

    /// <summary><c>{root}/v1/User/currentPrincipal</c>: who the credentials sent with it belong to.</summary>
    public Uri CurrentPrincipalUrl => new($"{ApiRoot}/v1/User/currentPrincipal");
}

/// <summary>A REST answer: the status, the JSON (null for 204, an empty body or <c>null</c>), and the error it reports.</summary>
internal sealed record NetServerRestReply(HttpStatusCode Status, JsonNode? Json, string? ErrorType, string? ErrorMessage)
{
    public bool Succeeded => (int)Status is >= 200 and < 300 && ErrorType is null;
}

/// <summary>
/// The HTTP side of the REST adapter: the handler chain every call goes through — a retry of what never reached
/// NetServer and a per-attempt timeout (Microsoft.Extensions.Http.Resilience), the tenant's rate limit once per attempt,
/// and connections only to addresses <see cref="CrmAddressPolicy"/> allows — and the reading of answers into
/// classified <see cref="CrmException"/>s, with the same kinds the SOAP adapter gives.
/// </summary>
internal static class NetServerRestHttp
{
    /// <summary>The <see cref="IHttpClientFactory"/> name of the REST adapter's client.</summary>
    public const string ClientName = "Relay.NetServerRest";

    /// <summary>The tenant a request is for, read by <see cref="GateHandler"/>.</summary>
    public static readonly HttpRequestOptionsKey<string> TenantKey = new("Relay.Tenant");

    /// <summary>
    /// Retries only what certainly did not reach NetServer or that it refused before doing anything: a connection that
    /// could not be made and HTTP 503. Everything else goes back to Relay's own classification, because a write that may
    /// have happened must be looked up by its reference before it is sent again, never repeated blindly. Each attempt has
    /// <see cref="NetServerOptions.CallTimeout"/>.
    /// </summary>
    public static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> builder, NetServerOptions options) =>
        builder
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result.StatusCode: HttpStatusCode.ServiceUnavailable } => true,
                    { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } e } => !RefusedByPolicy(e),
                    _ => false,
                }),
            })
            .AddTimeout(options.CallTimeout);

    /// <summary>The handler the chain ends in: connections through <paramref name="connector"/>, no redirects followed.</summary>
    public static SocketsHttpHandler Primary(NetServerConnector connector) => new()
    {
        ConnectCallback = (context, cancellationToken) => connector.ConnectAsync(context.DnsEndPoint, cancellationToken),
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    };

    /// <summary>The chain without <see cref="IHttpClientFactory"/>, for an adapter constructed by hand (tests, tools).</summary>
    public static HttpClient CreateClient(NetServerOptions options, ICrmRequestGate? gate, NetServerConnector connector)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>();
        ConfigurePipeline(pipeline, options);
        var chain = new ResilienceHandler(pipeline.Build()) { InnerHandler = new GateHandler(gate) { InnerHandler = Primary(connector) } };
        return new HttpClient(chain) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Waits at the tenant's rate limit before each attempt, so that a retry is paced like any other call.</summary>
    public sealed class GateHandler(ICrmRequestGate? gate) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (gate is not null && request.Options.TryGetValue(TenantKey, out var tenantId))
            {
                await gate.WaitAsync(tenantId, cancellationToken).ConfigureAwait(false);
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends one request and reads its answer, within <see cref="NetServerOptions.MaxReceivedMessageSize"/>. Transport
    /// failures, and answers that are not NetServer's (HTML error pages, gateways), throw classified exceptions;
    /// NetServer's own refusals (401, 403, an error object) come back in the reply for the caller to classify.
    /// </summary>
    public static async Task<NetServerRestReply> SendAsync(
        HttpClient http, HttpRequestMessage request, string tenantId, string call, bool isWrite, long maxResponseSize, CancellationToken cancellationToken)
    {
        request.Options.Set(TenantKey, tenantId);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw NetServerTransport.Classify(new TimeoutException($"{call} timed out.", e), call, isWrite);
        }
        catch (Exception e) when (e is not CrmException && !cancellationToken.IsCancellationRequested)
        {
            throw NetServerTransport.Classify(e, call, isWrite);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            byte[] body;
            try
            {
                body = await ReadLimitedAsync(response, maxResponseSize, call, isWrite, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not CrmException && !cancellationToken.IsCancellationRequested)
            {
                throw NetServerTransport.Classify(e, call, isWrite);
            }

            var json = ParseJson(body, out var readable);
            var (errorType, errorMessage) = ErrorOf(json);
            if (status is >= 200 and < 300)
            {
                if (!readable)
                {
                    throw Malformed(call, isWrite);
                }

                return new NetServerRestReply(response.StatusCode, errorType is null ? json : null, errorType, errorMessage);
            }

            switch (status)
            {
                case 401 or 403 or 400 or 404 or 405 or 415:
                    return new NetServerRestReply(response.StatusCode, null, errorType ?? $"Http{status}", errorMessage ?? Describe(status, body));
                case 421:
                    throw new CrmException(CrmErrorKind.Transient, Online.OnlineErrors.TenantMoved, $"{call}: the tenant is no longer on this host (HTTP 421).");
                case 429:
                    throw new CrmException(CrmErrorKind.Transient, "Http429", $"{call}: too many requests (HTTP 429).")
                    {
                        RetryAfter = response.Headers.RetryAfter?.Delta,
                    };
                case 503:
                    throw new CrmException(CrmErrorKind.Transient, "Http503", $"{call}: service unavailable (HTTP 503).");
            }

            if (status >= 500 && errorType is not null)
            {
                // NetServer answered with its error object: the call failed, and a write did not happen.
                return new NetServerRestReply(response.StatusCode, null, errorType, errorMessage);
            }

            // An HTML page or a gateway's answer: something between may have passed the request on, so a write is uncertain.
            return status is 408 or >= 500
                ? throw (isWrite
                    ? new CrmException(CrmErrorKind.Uncertain, $"Http{status}", $"{call}: HTTP {status} without NetServer's answer; the write may have taken effect.")
                    : new CrmException(CrmErrorKind.Transient, $"Http{status}", $"{call}: HTTP {status}."))
                : throw new CrmException(CrmErrorKind.Permanent, $"Http{status}", $"{call}: HTTP {status}; check the tenant's NetServer URL.");
        }
    }

    private static CrmException Malformed(string call, bool isWrite) =>
        isWrite
            ? new CrmException(CrmErrorKind.Uncertain, "MalformedResponse", $"{call}: the answer was not readable JSON; the write may have taken effect.")
            : new CrmException(CrmErrorKind.Transient, "MalformedResponse", $"{call}: the answer was not readable JSON.");

    private static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, long max, string call, bool isWrite, CancellationToken cancellationToken)
    {
        CrmException TooLarge() => isWrite
            ? new CrmException(CrmErrorKind.Uncertain, "ResponseTooLarge", $"{call}: the answer exceeded NetServer:MaxReceivedMessageSize and was refused; the write may have taken effect.")
            : new CrmException(CrmErrorKind.Permanent, "ResponseTooLarge", $"{call}: the answer exceeded NetServer:MaxReceivedMessageSize and was refused.");
        if (response.Content.Headers.ContentLength > max)
        {
            throw TooLarge();
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The body as JSON: null for an empty body or <c>null</c>; <paramref name="readable"/> false when it is not JSON.</summary>
    private static JsonNode? ParseJson(byte[] body, out bool readable)
    {
        readable = true;
        if (body.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            readable = false;
            return null;
        }
    }

    /// <summary>
    /// NetServer's error object, <c>{"Error": true, "ErrorType", "ErrorMessage"}</c>, or the web API's refusal of a request,
    /// <c>{"Message", "MessageDetail"}</c>.
    /// </summary>
    private static (string? Type, string? Message) ErrorOf(JsonNode? json)
    {
        if (json is not JsonObject error)
        {
            return (null, null);
        }

        if (RestJson.Str(error, "ErrorType") is { Length: > 0 } type)
        {
            return (type, RestJson.Str(error, "ErrorMessage"));
        }

        return error.TryGetPropertyValue("Error", out var flag) && flag is JsonValue v && v.TryGetValue<bool>(out var isError) && isError
            ? ("SoException", RestJson.Str(error, "ErrorMessage"))
            : (null, null);
    }

    private static string Describe(int status, byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)).Trim();
        try
        {
            if (JsonNode.Parse(text) is JsonObject o && (RestJson.Str(o, "MessageDetail") ?? RestJson.Str(o, "Message")) is { } message)
            {
                return $"HTTP {status}: {message}";
            }
        }
        catch (JsonException)
        {
        }

        return $"HTTP {status}";
    }

    private static bool RefusedByPolicy(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is CrmException)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Reading NetServer's JSON carriers by member name, case-insensitively, as the SOAP side reads by local name.</summary>
internal static class RestJson
{
    /// <summary>A member of an object, ignoring case; null when absent or JSON null.</summary>
    public static JsonNode? Member(JsonNode? node, string name)
    {
        if (node is not JsonObject obj)
        {
            return null;
        }

        if (obj.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>A member as text (numbers and booleans as NetServer would write them), null when absent.</summary>
    public static string? Str(JsonNode? node, string name) => Text(Member(node, name));

    /// <summary>A value as text.</summary>
    public static string? Text(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.GetValueKind() is JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() is JsonValueKind.False => "false",
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    /// <summary>An int member, 0 when absent or not a number.</summary>
    public static int Int(JsonNode? node, string name) =>
        Member(node, name) is JsonValue v && (v.TryGetValue<int>(out var i) || (v.TryGetValue<string>(out var s) && int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out i)))
            ? i
            : 0;

    /// <summary>A boolean member, false when absent.</summary>
    public static bool Bool(JsonNode? node, string name) => Str(node, name) is "true" or "True" or "1";

    /// <summary>The items of an array member (or of the node itself when it is the array); empty when absent.</summary>
    public static IEnumerable<JsonNode> Items(JsonNode? node, string? name = null) =>
        (name is null ? node : Member(node, name)) is JsonArray array ? array.OfType<JsonNode>() : [];
}
