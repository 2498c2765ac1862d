using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Online;

/// <summary>
/// SuperID's system-user service (<c>/login/Services/PartnerSystemUserService.svc</c>, SOAP 1.1): an application proves
/// with its private key that it holds a tenant's system-user token and gets a signed JWT carrying a fresh ticket of the
/// tenant's system user and the tenant's current NetServer address.
/// </summary>
public static class PartnerSystemUserService
{
    /// <summary>The service's XML namespace.</summary>
    public const string Namespace = "http://www.superoffice.com/superid/partnersystemuser/0.1";

    /// <summary>The SOAPAction of <c>Authenticate</c>.</summary>
    public const string AuthenticateAction = Namespace + "/IPartnerSystemUserService/Authenticate";

    /// <summary>The service's path on the un-numbered host.</summary>
    public const string Path = "/login/Services/PartnerSystemUserService.svc";

    /// <summary>How far the signed token's timestamp may be from now.</summary>
    public static readonly TimeSpan TimestampWindow = TimeSpan.FromMinutes(5);

    /// <summary>The system user's name in the emulator's data (associate 105 in the demo seed).</summary>
    public const string SystemUserName = "system";

    /// <summary>Maps the service.</summary>
    public static IEndpointRouteBuilder MapPartnerSystemUserService(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, EmulatorStore store, OnlineTenant tenant, OnlineApplications applications, RequestLog log)
    {
        var started = Stopwatch.GetTimestamp();
        var soapAction = context.Request.Headers["SOAPAction"].ToString().Trim('"');
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var envelopeText = await reader.ReadToEndAsync(context.RequestAborted);
        var outcome = "ok";
        void Log(int status) => log.Add(sequence => new RequestLogEntry(
            sequence, store.Now, Path, string.Empty, "PartnerSystemUser", "Authenticate", soapAction, context.Request.ContentType,
            status, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds, envelopeText));

        if (context.Request.ContentType?.StartsWith("text/xml", StringComparison.OrdinalIgnoreCase) != true)
        {
            outcome = "unsupported media type";
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            Log(415);
            return;
        }

        if (soapAction != AuthenticateAction)
        {
            outcome = "action not supported";
            await SoapReplies.WriteFaultAsync(context, "a:ActionNotSupported", $"The message with Action '{soapAction}' cannot be processed at the receiver.");
            Log(500);
            return;
        }

        XElement body;
        XElement? header;
        try
        {
            var envelope = XElement.Parse(envelopeText);
            header = envelope.Element(XName.Get("Header", SoapReplies.Envelope));
            body = envelope.Element(XName.Get("Body", SoapReplies.Envelope))?.Element(XName.Get("AuthenticationRequest", Namespace))
                ?? throw new XmlException($"Expected the body element {{{Namespace}}}AuthenticationRequest.");
        }
        catch (XmlException e)
        {
            outcome = "deserialization failed: " + e.Message;
            await SoapReplies.WriteFaultAsync(context, "a:DeserializationFailed", "The formatter threw an exception while trying to deserialize the message: " + e.Message);
            Log(500);
            return;
        }

        var request = new SystemUserRequest(
            header?.Element(XName.Get("ApplicationToken", Namespace))?.Value,
            header?.Element(XName.Get("ContextIdentifier", Namespace))?.Value,
            body.Element(XName.Get("SignedSystemToken", Namespace))?.Value,
            body.Element(XName.Get("ReturnTokenType", Namespace))?.Value ?? "Jwt");
        var (token, error) = Authenticate(request, store, tenant, applications);
        outcome = error is null ? "ok" : "refused: " + error;
        await WriteResponseAsync(context, token, error);
        Log(200);
    }

    private static (string? Token, string? Error) Authenticate(SystemUserRequest request, EmulatorStore store, OnlineTenant tenant, OnlineApplications applications)
    {
        if (applications.FindBySecret(request.ApplicationToken) is not { } application)
        {
            return (null, "Unknown application token");
        }

        var ctx = store.ContextIdentifier;
        if (!string.Equals(request.ContextIdentifier, ctx, StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"Unknown tenant '{request.ContextIdentifier}'");
        }

        if (request.ReturnTokenType != "Jwt")
        {
            return (null, $"Token type '{request.ReturnTokenType}' is not supported; ask for Jwt");
        }

        if (SignedSystemToken.Parse(request.SignedSystemToken) is not { } signed)
        {
            return (null, "The signed system token is not of the form {systemToken}.{yyyyMMddHHmm}.{signature}");
        }

        if (!applications.IsSystemToken(application.ClientId, ctx, signed.SystemToken))
        {
            return (null, $"The system token was not issued to {application.ClientId} for {ctx}");
        }

        if (!signed.IsSignedBy(application.PublicKeyPem))
        {
            return (null, "The signature does not verify with the application's public key");
        }

        if ((store.Now - signed.Timestamp).Duration() > TimestampWindow)
        {
            return (null, $"The timestamp {signed.Timestamp:yyyyMMddHHmm} is more than {TimestampWindow.TotalMinutes} minutes from now");
        }

        var user = store.Read(s => s.Associates.Values.FirstOrDefault(a => a.UserName == SystemUserName));
        if (user is null)
        {
            return (null, $"{ctx} has no system user");
        }

        return (SystemUserJwt(application, ctx, user.AssociateId, store, tenant, applications), null);
    }

    private static string SystemUserJwt(OnlineApplication application, string ctx, int associateId, EmulatorStore store, OnlineTenant tenant, OnlineApplications applications)
    {
        var now = store.Now;
        var authority = tenant.AuthorityHost ?? throw new InvalidOperationException("The emulator has not started.");
        var host = (tenant.CurrentHostUrl ?? authority).Origin();
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Iss] = authority.Origin(),
            [JwtRegisteredClaimNames.Aud] = "spn:" + application.ClientId,
            [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Nbf] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Exp] = (now + TimeSpan.FromHours(1)).ToUnixTimeSeconds(),
            [OnlineClaimTypes.Ticket] = store.IssueTicket(associateId).Ticket,
            [OnlineClaimTypes.ContextIdentifier] = ctx,
            [OnlineClaimTypes.AssociateId] = associateId.ToString(CultureInfo.InvariantCulture),
            [OnlineClaimTypes.NetServerUrl] = $"{host}/{ctx}/Remote/Services88/",
            [OnlineClaimTypes.WebApiUrl] = $"{host}/{ctx}/api/",
        };
        applications.TamperClaims?.Invoke(claims);

        // The times are claims, not descriptor fields, so that TamperClaims can change them and the emulator's clock rules them.
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(applications.TokenKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private static async Task WriteResponseAsync(HttpContext context, string? token, string? error)
    {
        XNamespace xsi = "http://www.w3.org/2001/XMLSchema-instance";
        XElement Member(string name, string? value) => value is null
            ? new XElement(XName.Get(name, Namespace), new XAttribute(xsi + "nil", "true"))
            : new XElement(XName.Get(name, Namespace), value);
        var envelope = new XElement(
            XName.Get("Envelope", SoapReplies.Envelope),
            new XAttribute(XNamespace.Xmlns + "s", SoapReplies.Envelope),
            new XElement(
                XName.Get("Body", SoapReplies.Envelope),
                new XAttribute(XNamespace.Xmlns + "i", xsi.NamespaceName),
                new XElement(
                    XName.Get("AuthenticationResponse", Namespace),
                    new XAttribute("xmlns", Namespace),
                    new XElement(XName.Get("IsSuccessful", Namespace), error is null ? "true" : "false"),
                    Member("Token", token),
                    Member("ErrorMessage", error))));
        var bytes = Encoding.UTF8.GetBytes(envelope.ToString(SaveOptions.DisableFormatting));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/xml; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private sealed record SystemUserRequest(string? ApplicationToken, string? ContextIdentifier, string? SignedSystemToken, string ReturnTokenType);

    /// <summary><c>{systemToken}.{yyyyMMddHHmm}.{base64 signature}</c>, the signature being RSA-SHA256 (PKCS#1 v1.5) of the first two parts.</summary>
    private sealed record SignedSystemToken(string SystemToken, string Stamp, DateTimeOffset Timestamp, byte[] Signature)
    {
        public static SignedSystemToken? Parse(string? text)
        {
            var parts = text?.Split('.');
            if (parts is not [var token, var stamp, var signature] || token.Length == 0
                || !DateTimeOffset.TryParseExact(stamp, "yyyyMMddHHmm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp))
            {
                return null;
            }

            var bytes = new byte[signature.Length];
            return Convert.TryFromBase64String(signature, bytes, out var length) ? new SignedSystemToken(token, stamp, timestamp, bytes[..length]) : null;
        }

        public bool IsSignedBy(string publicKeyPem)
        {
            using var rsa = RSA.Create();
            try
            {
                rsa.ImportFromPem(publicKeyPem);
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                return false;
            }

            return rsa.VerifyData(Encoding.UTF8.GetBytes($"{SystemToken}.{Stamp}"), Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
    }
}
