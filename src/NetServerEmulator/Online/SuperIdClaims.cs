namespace Relay.NetServerEmulator.Online;

/// <summary>The claim types SuperOffice's SuperID puts in its tokens, as SuperOffice names them.</summary>
/// <remarks>
/// Spelled out here rather than shared with Relay's <c>SuperOfficeClaims</c>: the emulator stands in for SuperOffice,
/// so a misspelt name on Relay's side has to fail against it instead of agreeing with itself.
/// </remarks>
public static class SuperIdClaims
{
    private const string Scheme = "http://schemes.superoffice.net/identity/";

    /// <summary>The tenant's context identifier.</summary>
    public const string ContextIdentifier = Scheme + "ctx";

    /// <summary>The signed-in user's associate id.</summary>
    public const string AssociateId = Scheme + "associateid";

    /// <summary>A NetServer ticket (<c>7T:…</c>).</summary>
    public const string Ticket = Scheme + "ticket";

    /// <summary>The tenant's SOAP base on its current host.</summary>
    public const string NetServerUrl = Scheme + "netserver_url";

    /// <summary>The tenant's REST base on its current host.</summary>
    public const string WebApiUrl = Scheme + "webapi_url";

    /// <summary>The system-user token, only after an administrator approved the application.</summary>
    public const string SystemToken = Scheme + "system_token";

    /// <summary>Whether the user administers the tenant (<c>True</c>/<c>False</c>).</summary>
    public const string IsAdministrator = Scheme + "is_administrator";

    /// <summary>The user's e-mail address.</summary>
    public const string Email = Scheme + "email";

    /// <summary>The user's login name.</summary>
    public const string Upn = Scheme + "upn";
}
