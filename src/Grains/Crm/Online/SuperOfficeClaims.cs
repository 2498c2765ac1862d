namespace Relay.Crm.Online;

/// <summary>The claims SuperOffice's SuperID puts in id_tokens and system-user tokens.</summary>
public static class SuperOfficeClaims
{
    private const string Scheme = "http://schemes.superoffice.net/identity/";

    /// <summary>The tenant's context identifier, e.g. <c>Cust12345</c>.</summary>
    public const string ContextIdentifier = Scheme + "ctx";

    /// <summary>The signed-in user's associate id.</summary>
    public const string AssociateId = Scheme + "associateid";

    /// <summary>A NetServer ticket (<c>7T:…</c>) for the signed-in user or the system user.</summary>
    public const string Ticket = Scheme + "ticket";

    /// <summary>The tenant's SOAP base on its current host, e.g. <c>https://sod2.superoffice.com/Cust12345/Remote/Services88/</c>.</summary>
    public const string NetServerUrl = Scheme + "netserver_url";

    /// <summary>The tenant's REST base on its current host, e.g. <c>https://sod2.superoffice.com/Cust12345/api/</c>.</summary>
    public const string WebApiUrl = Scheme + "webapi_url";

    /// <summary>The system-user token, issued when an administrator approves the application for the tenant.</summary>
    public const string SystemToken = Scheme + "system_token";

    /// <summary>Whether the user is an administrator of the tenant (<c>True</c>/<c>False</c>).</summary>
    public const string IsAdministrator = Scheme + "is_administrator";

    /// <summary>The user's e-mail address.</summary>
    public const string Email = Scheme + "email";

    /// <summary>The user's login name at SuperID.</summary>
    public const string Upn = Scheme + "upn";
}
