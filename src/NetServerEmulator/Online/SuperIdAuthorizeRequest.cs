namespace Relay.NetServerEmulator.Online;

/// <summary>An OpenID Connect authorization request as SuperID receives it, from the query (GET) or the sign-in form (POST).</summary>
public sealed record SuperIdAuthorizeRequest(
    string? ClientId,
    string? RedirectUri,
    string? ResponseType,
    string? Scope,
    string? State,
    string? Nonce,
    string? CodeChallenge,
    string? CodeChallengeMethod,
    string? ResponseMode,
    string? Prompt)
{
    /// <summary>The parameters the sign-in form carries along as hidden fields, so its POST is the same request.</summary>
    public static readonly IReadOnlyList<string> Parameters =
        ["client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "response_mode", "prompt"];

    /// <summary>Reads the request's parameters by name.</summary>
    public static SuperIdAuthorizeRequest Read(Func<string, string?> parameter) => new(
        parameter("client_id"),
        parameter("redirect_uri"),
        parameter("response_type"),
        parameter("scope"),
        parameter("state"),
        parameter("nonce"),
        parameter("code_challenge"),
        parameter("code_challenge_method"),
        parameter("response_mode"),
        parameter("prompt"));

    /// <summary>The admin-consent variant (<c>prompt=consent</c>): an administrator may approve the application for the tenant.</summary>
    public bool IsConsent => Prompt?.Split(' ').Contains("consent", StringComparer.Ordinal) == true;

    /// <summary>Whether the answer goes back as an auto-submitting form rather than a redirect with a query.</summary>
    public bool IsFormPost => ResponseMode == "form_post";

    /// <summary>The parameters in <see cref="Parameters"/> order, for the form's hidden fields (empty ones left out).</summary>
    public IEnumerable<(string Name, string Value)> Values()
    {
        string?[] values = [ClientId, RedirectUri, ResponseType, Scope, State, Nonce, CodeChallenge, CodeChallengeMethod, ResponseMode, Prompt];
        return Parameters.Zip(values).Where(p => !string.IsNullOrEmpty(p.Second)).Select(p => (p.First, p.Second!));
    }

    /// <summary>
    /// What is wrong with the request once client and redirect URI are known to be good (those fail on SuperID's own page,
    /// never at the client); null when nothing is.
    /// </summary>
    public string? Problem()
    {
        if (ResponseType != "code")
        {
            return "response_type must be code";
        }

        if (Scope?.Split(' ').Contains("openid", StringComparer.Ordinal) != true)
        {
            return "scope must contain openid";
        }

        if (string.IsNullOrEmpty(CodeChallenge) || CodeChallengeMethod != "S256")
        {
            return "PKCE is required: code_challenge with code_challenge_method S256";
        }

        if (ResponseMode is not (null or "" or "query" or "form_post"))
        {
            return "response_mode must be query or form_post";
        }

        return null;
    }
}
