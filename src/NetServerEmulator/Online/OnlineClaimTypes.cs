namespace Relay.NetServerEmulator.Online;

/// <summary>The claim types SuperID writes into the tokens it signs.</summary>
/// <remarks>
/// Written out again rather than shared with Relay's <c>SuperOfficeClaims</c>: the emulator stands in for SuperOffice, so a
/// wrong name on Relay's side must make the tests fail instead of agreeing with itself.
/// </remarks>
public static class OnlineClaimTypes
{
    private const string Scheme = "http://schemes.superoffice.net/identity/";

    /// <summary>The tenant's context identifier.</summary>
    public const string ContextIdentifier = Scheme + "ctx";

    /// <summary>The associate id of the user the token stands for.</summary>
    public const string AssociateId = Scheme + "associateid";

    /// <summary>A NetServer ticket (<c>7T:…</c>).</summary>
    public const string Ticket = Scheme + "ticket";

    /// <summary>The tenant's SOAP base on its current host.</summary>
    public const string NetServerUrl = Scheme + "netserver_url";

    /// <summary>The tenant's REST base on its current host.</summary>
    public const string WebApiUrl = Scheme + "webapi_url";
}
