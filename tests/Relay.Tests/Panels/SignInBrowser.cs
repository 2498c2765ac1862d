using System.Net;
using System.Text.RegularExpressions;

namespace Relay.Tests.Panels;

/// <summary>
/// Just enough browser for an OpenID Connect sign-in over plain HTTP: follows redirects, fills SuperID's sign-in form,
/// submits auto-posting forms, and keeps cookies per host as a browser does (ports share them). Unlike .NET's cookie
/// container it sends <c>Secure</c> cookies over http://127.0.0.1, as Chromium does for loopback. Every response body is
/// kept, so a test can say what a page never showed.
/// </summary>
public sealed partial class SignInBrowser : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly Dictionary<string, Dictionary<string, string>> _cookies = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every response: its address, status and body.</summary>
    public List<(Uri Url, HttpStatusCode Status, string Body)> Responses { get; } = [];

    /// <summary>Every <c>Set-Cookie</c> header received.</summary>
    public List<string> SetCookies { get; } = [];

    /// <summary>
    /// Opens <paramref name="url"/> on Relay and goes where it leads: follows redirects, fills SuperID's sign-in form with
    /// <paramref name="fields"/> (once: shown again, it is the answer) and submits SuperID's auto-posting forms, up to the
    /// first page of Relay's own origin that is not a redirect.
    /// </summary>
    public async Task<(Uri Url, HttpStatusCode Status, string Body)> RunAsync(Uri url, IReadOnlyDictionary<string, string> fields)
    {
        var relay = url.GetLeftPart(UriPartial.Authority);
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        var filled = false;
        for (var step = 0; step < 20; step++)
        {
            var page = request.RequestUri!;
            var (location, status, body) = await SendAsync(request);
            if (location is not null)
            {
                request = new HttpRequestMessage(HttpMethod.Get, location);
                continue;
            }

            var form = page.GetLeftPart(UriPartial.Authority) == relay ? null : FormOf(body, page);
            var signInForm = form is { } f && fields.Keys.Any(f.Fields.ContainsKey);
            if (form is null || (signInForm && filled))
            {
                return (page, status, body);
            }

            var values = form.Value.Fields;
            if (signInForm)
            {
                filled = true;
                foreach (var (name, value) in fields)
                {
                    values[name] = value;
                }
            }

            request = new HttpRequestMessage(HttpMethod.Post, form.Value.Action) { Content = new FormUrlEncodedContent(values) };
        }

        throw new InvalidOperationException("The sign-in did not end within 20 steps.");
    }

    /// <summary>Sends one request with this browser's cookies; the redirect target, if any.</summary>
    public async Task<(Uri? Location, HttpStatusCode Status, string Body)> SendAsync(HttpRequestMessage request)
    {
        var url = request.RequestUri!;
        if (_cookies.TryGetValue(url.Host, out var jar) && jar.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
        }

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Responses.Add((url, response.StatusCode, body));
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var header in setCookies)
            {
                SetCookies.Add(header);
                Remember(url.Host, header);
            }
        }

        var redirect = (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location ? new Uri(url, location) : null;
        return (redirect, response.StatusCode, body);
    }

    /// <summary>The cookie's value in this browser, or null.</summary>
    public string? Cookie(string host, string name) =>
        _cookies.TryGetValue(host, out var jar) && jar.TryGetValue(name, out var value) ? value : null;

    public void Dispose() => _http.Dispose();

    private void Remember(string host, string header)
    {
        var pair = header.Split(';')[0];
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        var (name, value) = (pair[..equals].Trim(), pair[(equals + 1)..].Trim());
        var jar = _cookies.TryGetValue(host, out var existing) ? existing : _cookies[host] = new(StringComparer.Ordinal);
        var expired = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase) || MaxAgeZero().IsMatch(header);
        if (expired || value.Length == 0)
        {
            jar.Remove(name);
        }
        else
        {
            jar[name] = value;
        }
    }

    /// <summary>The page's first form: where it posts, and its inputs' names and values (checkboxes checked).</summary>
    private static (Uri Action, Dictionary<string, string> Fields)? FormOf(string html, Uri page)
    {
        var form = FormTag().Match(html);
        if (!form.Success)
        {
            return null;
        }

        var action = Attribute(form.Value, "action");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in InputTag().Matches(html[form.Index..]))
        {
            if (Attribute(input.Value, "name") is { } name && !fields.ContainsKey(name))
            {
                fields[name] = Attribute(input.Value, "value") ?? (Attribute(input.Value, "type") == "checkbox" ? "on" : "");
            }
        }

        return (new Uri(page, string.IsNullOrEmpty(action) ? page.PathAndQuery : action), fields);
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"""\s{name}\s*=\s*("([^"]*)"|'([^']*)')""", RegexOptions.IgnoreCase);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[2].Success ? match.Groups[2].Value : match.Groups[3].Value) : null;
    }

    [GeneratedRegex("<form\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex FormTag();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("max-age=0\\b", RegexOptions.IgnoreCase)]
    private static partial Regex MaxAgeZero();
}
