using System.Net;
using System.Net.Sockets;

namespace Relay.Crm;

/// <summary>
/// Where Relay may send a tenant's CRM credentials. A NetServer address is an <c>https</c> URL without query, fragment
/// or user info, whose host is not (and does not resolve to) a loopback, link-local (cloud metadata), private,
/// unspecified or multicast address. Hosts the operator lists (<c>Relay:Crm:AllowedHosts</c>, e.g. an onsite NetServer
/// on a private network) are exempt and may use <c>http</c>. Checked when settings are saved and again, on the
/// resolved address, when the adapter connects.
/// </summary>
public sealed class CrmAddressPolicy
{
    /// <summary>The setting that lists the exempt hosts.</summary>
    public const string AllowedHostsSetting = "Relay:Crm:AllowedHosts";

    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);
    private ImmutableHashSet<string> _allowed;

    /// <summary>A policy exempting <paramref name="allowedHosts"/>: each a host name or IP address, optionally with <c>:port</c>.</summary>
    public CrmAddressPolicy(IEnumerable<string>? allowedHosts = null)
    {
        _allowed = [.. (allowedHosts ?? []).Where(h => !string.IsNullOrWhiteSpace(h)).Select(Normalize)];
    }

    /// <summary>Exempts one more host, or only one port of it: the embedded emulator, once it listens.</summary>
    public void Allow(string host, int? port = null) =>
        ImmutableInterlocked.Update(ref _allowed, set => set.Add(Key(host, port)));

    /// <summary>Whether the operator listed the host (on any port, or on this one).</summary>
    public bool IsListed(string host, int port) =>
        _allowed.Contains(Key(host, null)) || _allowed.Contains(Key(host, port));

    /// <summary>The problem with a base URL's form and literal host, or null; <c>memory://</c> (the in-memory CRM) is always fine.</summary>
    public string? CheckShape(string? baseUrl)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http" or "memory"))
        {
            return "crm.baseUrl: must be an absolute https URL, e.g. https://crm.example.com/SuperOffice or https://online.superoffice.com/Cust12345";
        }

        if (uri.Scheme == "memory")
        {
            return null;
        }

        if (uri.UserInfo.Length > 0 || baseUrl!.IndexOfAny(['?', '#']) >= 0)
        {
            return "crm.baseUrl: must not carry a query (?…), fragment (#…) or user info (user@host)";
        }

        var host = HostOf(uri);
        if (IsListed(host, uri.Port))
        {
            return null;
        }

        if (uri.Scheme != "https")
        {
            return $"crm.baseUrl: must use https; http is allowed only for a host listed in {AllowedHostsSetting}";
        }

        return IPAddress.TryParse(host, out var address) && Forbidden(address) is { } reason ? Refusal(host, address, reason) : null;
    }

    /// <summary>
    /// <see cref="CheckShape"/>, then the addresses the host resolves to. A name that does not resolve now is not refused
    /// here: the adapter checks the address it actually connects to.
    /// </summary>
    public async Task<string?> CheckAsync(string? baseUrl, CancellationToken cancellationToken = default)
    {
        if (CheckShape(baseUrl) is { } problem)
        {
            return problem;
        }

        var uri = new Uri(baseUrl!);
        var host = HostOf(uri);
        if (uri.Scheme == "memory" || IsListed(host, uri.Port) || IPAddress.TryParse(host, out _))
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        return addresses.Select(a => (Address: a, Reason: Forbidden(a))).FirstOrDefault(a => a.Reason is not null) is { Reason: { } reason } bad
            ? Refusal(host, bad.Address, reason)
            : null;
    }

    /// <summary>Why the adapter may not connect to <paramref name="address"/> for <paramref name="host"/>, or null when it may.</summary>
    public string? RefuseConnection(string host, int port, IPAddress address) =>
        IsListed(host, port) || Forbidden(address) is not { } reason ? null : Refusal(host, address, reason);

    /// <summary>What kind of address may not receive credentials unless listed, or null for a public address.</summary>
    public static string? Forbidden(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return Forbidden(address.MapToIPv4());
        }

        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return b switch
            {
                _ when address.Equals(IPAddress.IPv6Any) => "unspecified",
                _ when address.Equals(IPAddress.IPv6Loopback) => "loopback",
                _ when address.IsIPv6LinkLocal => "link-local (fe80::/10)",
                _ when address.IsIPv6SiteLocal => "private (site-local fec0::/10)",
                _ when address.IsIPv6Multicast => "multicast",
                [>= 0xFC and <= 0xFD, ..] => "private (unique local fc00::/7)",

                // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::) addresses reach an IPv4 address.
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ..] => Forbidden(new IPAddress(b[12..])),
                [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0, ..] => Forbidden(new IPAddress(b[12..])),
                [0x20, 0x02, ..] => Forbidden(new IPAddress(b[2..6])),
                _ => null,
            };
        }

        return b switch
        {
            [0, ..] => "unspecified (0.0.0.0/8)",
            [127, ..] => "loopback (127.0.0.0/8)",
            [10, ..] => "private (10.0.0.0/8)",
            [172, >= 16 and <= 31, ..] => "private (172.16.0.0/12)",
            [192, 168, ..] => "private (192.168.0.0/16)",
            [169, 254, ..] => "link-local (169.254.0.0/16, cloud metadata)",
            [100, >= 64 and <= 127, ..] => "shared (100.64.0.0/10)",
            [>= 224 and <= 239, ..] => "multicast",
            [>= 240, ..] => "reserved (240.0.0.0/4)",
            _ => null,
        };
    }

    private static string Refusal(string host, IPAddress address, string reason) =>
        $"crm.baseUrl: host '{host}' is {reason} ({address}): such addresses are refused unless the host is listed in {AllowedHostsSetting}";

    /// <summary>The host as the policy compares it: lowercase, IDN-encoded, without IPv6 brackets or a trailing dot.</summary>
    public static string HostOf(Uri uri) => uri.IdnHost.Trim('[', ']').TrimEnd('.').ToLowerInvariant();

    private static string Key(string host, int? port)
    {
        var h = host.Trim().Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        return port is { } p ? $"{h}|{p}" : h;
    }

    private static string Normalize(string entry)
    {
        var e = entry.Trim();
        if (e.StartsWith('[') && e.IndexOf(']', StringComparison.Ordinal) is var end and > 0)
        {
            return Key(e[1..end], e[(end + 1)..].StartsWith(':') && int.TryParse(e[(end + 2)..], out var p6) ? p6 : null);
        }

        var colon = e.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon == e.LastIndexOf(':') && int.TryParse(e[(colon + 1)..], out var port)
            ? Key(e[..colon], port)
            : Key(e, null);
    }
}
