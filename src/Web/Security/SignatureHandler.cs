using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Relay.Access;
using Relay.Web.Ingest;
using Relay.Web.Recovery;

namespace Relay.Web.Security;

/// <summary>
/// Authenticates a request signed the way webhook senders sign: <c>Relay-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex
/// HMAC-SHA256 of "t.body"&gt;</c> with one of the route tenant's signing secrets (several <c>v1</c> may be sent
/// while a sender rotates). Refused: a malformed header, a time more than <see cref="Tolerance"/> away, a tenant
/// without a signing secret (all before the body is read), a wrong signature, and a signature seen before.
/// The body, at most <see cref="IngestApi.MaxBatchBytes"/>, is kept for the endpoint to read again.
/// </summary>
public sealed class SignatureHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    TimeProvider time,
    ClusterCalls calls) : RelayAuthenticationHandler(options, logger, encoder, calls)
{
    /// <summary>The header.</summary>
    public const string Header = "Relay-Signature";

    /// <summary>How far the signature's time may be from Relay's.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>The signature of <paramref name="body"/> at <paramref name="timestamp"/> with <paramref name="secret"/>, as senders compute it.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(Compute(Encoding.UTF8.GetBytes(secret), timestamp, body));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TryParse(Request.Headers[Header].ToString(), out var timestamp, out var signatures))
        {
            return AuthenticateResult.Fail($"{Header} must be t=<unix seconds>,v1=<64 hex digits>.");
        }

        var signedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253402300799));
        if ((time.GetUtcNow() - signedAt).Duration() > Tolerance)
        {
            return AuthenticateResult.Fail($"The signature's time t={timestamp} is more than {Tolerance.TotalMinutes} minutes from Relay's clock.");
        }

        if (Context.GetRouteValue("tenant") is not string tenant || !Tenants.TenantRules.IsValidTenantId(tenant))
        {
            return AuthenticateResult.Fail("Signed requests are accepted on a tenant's endpoints only.");
        }

        var access = grains.GetGrain<ITenantAccessGrain>(tenant);
        var keys = await CallClusterAsync(access.GetSigningKeysAsync);
        if (keys.IsEmpty)
        {
            return AuthenticateResult.Fail("The tenant has no signing secret.");
        }

        var body = await ReadBodyAsync();
        if (body is null)
        {
            return AuthenticateResult.Fail($"A signed body may have at most {IngestApi.MaxBatchBytes} bytes.");
        }

        foreach (var key in keys)
        {
            var expected = Compute(key.Key, timestamp, body);
            foreach (var given in signatures)
            {
                if (!CryptographicOperations.FixedTimeEquals(expected, given))
                {
                    continue;
                }

                return await CallClusterAsync(() => access.RecordSignatureAsync(key.Id, given, signedAt))
                    ? AuthenticateResult.Success(new AuthenticationTicket(RelayClaims.ForTenant(tenant, key.Id, "signed", AccessScopes.Ingest, Scheme.Name), Scheme.Name))
                    : AuthenticateResult.Fail("This signature was used before; sign every request anew.");
            }
        }

        return AuthenticateResult.Fail("The signature does not match the body with any of the tenant's signing secrets.");
    }

    private static byte[] Compute(byte[] key, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool TryParse(string header, out long timestamp, out List<byte[]> signatures)
    {
        timestamp = -1;
        signatures = [];
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            var (name, value) = part.IndexOf('=', StringComparison.Ordinal) is var i and > 0 ? (part[..i], part[(i + 1)..]) : (part, "");
            if (name == "t" && timestamp < 0 && value.Length is > 0 and <= 12 && value.All(char.IsAsciiDigit))
            {
                timestamp = long.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name == "v1" && value.Length == 64 && value.All(char.IsAsciiHexDigit) && signatures.Count < 4)
            {
                signatures.Add(Convert.FromHexString(value));
            }
        }

        return timestamp >= 0 && signatures.Count > 0;
    }

    private async Task<byte[]?> ReadBodyAsync()
    {
        if (Request.ContentLength > IngestApi.MaxBatchBytes)
        {
            return null;
        }

        var body = await IngestApi.ReadLimitedAsync(Request.Body, IngestApi.MaxBatchBytes, Context.RequestAborted);
        if (body is not null)
        {
            Request.Body = new MemoryStream(body, writable: false);
        }

        return body;
    }
}
