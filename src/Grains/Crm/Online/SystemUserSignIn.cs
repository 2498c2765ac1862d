using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Relay.Crm.Online;

/// <summary>
/// Signs an Online tenant's system user in: the tenant's system-user token, stamped with the time and signed with Relay's
/// private key, goes to the environment's <c>PartnerSystemUserService</c>, whose JWT (validated against the environment's
/// SuperID metadata) carries the system user's NetServer ticket.
/// </summary>
public sealed class SystemUserSignIn : IDisposable
{
    private const string Namespace = "http://www.superoffice.com/superid/partnersystemuser/0.1";
    private const string SoapAction = Namespace + "/IPartnerSystemUserService/Authenticate";
    private static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    private static readonly XNamespace Ns = Namespace;

    private readonly ConcurrentDictionary<Uri, ConfigurationManager<OpenIdConnectConfiguration>> _metadata = new();
    private readonly OnlineOptions _options;
    private readonly CrmSecrets _secrets;
    private readonly OnlineHttp _http;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _tokens = new();
    private string? _privateKey;

    /// <summary>Creates the sign-in with Relay's application identity; its requests follow <paramref name="addresses"/>.</summary>
    public SystemUserSignIn(IOptions<OnlineOptions> options, CrmSecrets secrets, CrmAddressPolicy addresses, TimeProvider? time = null)
    {
        _options = options.Value;
        _secrets = secrets;
        _http = new OnlineHttp(addresses);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The system user's ticket for the tenant, and when the token that carried it expires.</summary>
    public async Task<SystemUserTicket> SignInAsync(CrmConnection connection, CancellationToken cancellationToken = default)
    {
        var online = OnlineTenantLocator.OnlineOf(connection);
        var tenant = connection.TenantId;
        if (!_options.IsConfigured || PrivateKey() is not { } privateKey)
        {
            throw new CrmException(CrmErrorKind.Permanent, OnlineErrors.OnlineNotConfigured, $"Tenant {tenant}: Relay has no Online application identity; set Relay:Online:ClientId, ClientSecret and PrivateKey (or PrivateKeyFile).");
        }

        var environment = _options.EnvironmentBase(online.Environment)
            ?? throw new CrmException(CrmErrorKind.Permanent, OnlineErrors.OnlineNotConfigured, $"Tenant {tenant}: Relay does not know the Online environment '{online.Environment}' (Relay:Online:Environments).");
        var systemToken = _secrets.Reveal(online.SystemUserToken, tenant, "system-user token");
        if (string.IsNullOrEmpty(systemToken))
        {
            throw new CrmException(CrmErrorKind.Permanent, "MissingCredentials", $"Tenant {tenant} has no system-user token; an administrator of {online.ContextIdentifier} installs Relay again.");
        }

        var jwt = await AuthenticateAsync(tenant, environment, online.ContextIdentifier, Sign(systemToken, privateKey), cancellationToken).ConfigureAwait(false);
        return await ValidateAsync(tenant, environment, online.ContextIdentifier, jwt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The PEM key from the settings or its file; a file not mounted yet is looked for again next time.</summary>
    private string? PrivateKey() => _privateKey ??= !string.IsNullOrWhiteSpace(_options.PrivateKey) ? _options.PrivateKey
        : !string.IsNullOrWhiteSpace(_options.PrivateKeyFile) && File.Exists(_options.PrivateKeyFile) ? File.ReadAllText(_options.PrivateKeyFile) : null;

    /// <summary><c>{token}.{yyyyMMddHHmm UTC}.{base64 RSA-SHA256 PKCS#1 signature of the first two}</c>.</summary>
    internal string Sign(string systemToken, string privateKeyPem)
    {
        var signed = $"{systemToken}.{_time.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}";
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(privateKeyPem);
        }
        catch (ArgumentException e)
        {
            throw new CrmException(CrmErrorKind.Permanent, OnlineErrors.OnlineNotConfigured, "Relay:Online:PrivateKey is not an RSA private key in PEM form.", e);
        }

        return signed + "." + Convert.ToBase64String(rsa.SignData(Encoding.UTF8.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private async Task<string> AuthenticateAsync(string tenant, Uri environment, string contextIdentifier, string signedToken, CancellationToken cancellationToken)
    {
        var envelope = new XDocument(new XElement(
            Soap + "Envelope",
            new XAttribute(XNamespace.Xmlns + "s", Soap.NamespaceName),
            new XElement(Soap + "Header", new XElement(Ns + "ApplicationToken", _options.ClientSecret), new XElement(Ns + "ContextIdentifier", contextIdentifier)),
            new XElement(Soap + "Body", new XElement(Ns + "AuthenticationRequest", new XElement(Ns + "SignedSystemToken", signedToken), new XElement(Ns + "ReturnTokenType", "Jwt")))));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Base(environment)}/login/Services/PartnerSystemUserService.svc")
        {
            Content = new StringContent(envelope.ToString(SaveOptions.DisableFormatting), Encoding.UTF8, "text/xml"),
        };
        request.Headers.TryAddWithoutValidation("SOAPAction", $"\"{SoapAction}\"");
        var reply = await _http.SendAsync(request, "Online system-user sign-in", null, cancellationToken).ConfigureAwait(false);

        XElement? response;
        try
        {
            response = XDocument.Parse(reply).Descendants().FirstOrDefault(e => e.Name.LocalName == "AuthenticationResponse");
        }
        catch (System.Xml.XmlException e)
        {
            throw new CrmException(CrmErrorKind.Transient, "MalformedResponse", $"Tenant {tenant}: the system-user service's answer was not readable XML.", e);
        }

        string? Field(string name) => response?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        if (response is null)
        {
            throw new CrmException(CrmErrorKind.Transient, "MalformedResponse", $"Tenant {tenant}: the system-user service answered without an AuthenticationResponse.");
        }

        return string.Equals(Field("IsSuccessful"), "true", StringComparison.OrdinalIgnoreCase) && Field("Token") is { Length: > 0 } token
            ? token
            : throw new CrmException(CrmErrorKind.Permanent, OnlineErrors.SystemUserRefused, $"Tenant {tenant}: SuperOffice refused the system user of {contextIdentifier}: {Field("ErrorMessage") ?? "no reason given"}");
    }

    private async Task<SystemUserTicket> ValidateAsync(string tenant, Uri environment, string contextIdentifier, string jwt, CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration metadata;
        try
        {
            metadata = await MetadataOf(environment).GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new CrmException(CrmErrorKind.Transient, "SuperIdMetadataUnavailable", $"Tenant {tenant}: SuperID's OpenID configuration at {Base(environment)} could not be read.", e);
        }

        var result = await _tokens.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = metadata.Issuer,
            ValidAudience = "spn:" + _options.ClientId,
            IssuerSigningKeys = metadata.SigningKeys,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromMinutes(2),
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                // SuperID may have rolled its key since the metadata was read: the next sign-in reads it again.
                MetadataOf(environment).RequestRefresh();
            }

            throw new CrmException(CrmErrorKind.Permanent, OnlineErrors.SystemUserTokenInvalid, $"Tenant {tenant}: the system user's token from SuperID failed validation: {result.Exception?.Message}", result.Exception);
        }

        string? Claim(string type) => result.ClaimsIdentity.FindFirst(type)?.Value;
        if (Claim(SuperOfficeClaims.ContextIdentifier) is { } ctx && !string.Equals(ctx, contextIdentifier, StringComparison.OrdinalIgnoreCase))
        {
            throw new CrmException(CrmErrorKind.Permanent, OnlineErrors.SystemUserTokenInvalid, $"Tenant {tenant}: the system user's token is for {ctx}, not {contextIdentifier}.");
        }

        var ticket = Claim(SuperOfficeClaims.Ticket) is { Length: > 0 } t
            ? t
            : throw new CrmException(CrmErrorKind.Permanent, OnlineErrors.SystemUserTokenInvalid, $"Tenant {tenant}: the system user's token carries no ticket.");
        return new SystemUserTicket(ticket, Claim(SuperOfficeClaims.NetServerUrl), new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero));
    }

    /// <summary>One cached SuperID metadata reader per environment; https is required unless the environment is plain http (the emulator).</summary>
    private ConfigurationManager<OpenIdConnectConfiguration> MetadataOf(Uri environment) =>
        _metadata.GetOrAdd(environment, e => new ConfigurationManager<OpenIdConnectConfiguration>(
            $"{Base(e)}/login/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(_http.Client) { RequireHttps = e.Scheme == Uri.UriSchemeHttps }));

    private static string Base(Uri environment) => environment.ToString().TrimEnd('/');

    public void Dispose() => _http.Dispose();
}

/// <summary>The system user's NetServer ticket, the SOAP base its token named, and when the token expires.</summary>
public sealed record SystemUserTicket(string Ticket, string? NetServerUrl, DateTimeOffset ExpiresAt)
{
    /// <summary>Never print the ticket.</summary>
    public override string ToString() => $"system-user ticket until {ExpiresAt:u}";
}
