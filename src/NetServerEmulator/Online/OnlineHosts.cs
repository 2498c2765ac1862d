namespace Relay.NetServerEmulator.Online;

/// <summary>
/// The numbered hosts (<c>sod1</c>, <c>sod2</c>, …): more addresses on 127.0.0.1 that Kestrel binds after the emulator's
/// own, in order, so the addresses it reports after the first ones are the numbered hosts in host order.
/// </summary>
public static class OnlineHosts
{
    /// <summary>Configuration key: how many numbered hosts to bind besides the first address (default 2; 0 = none).</summary>
    public const string CountKey = "Emulator:OnlineHosts";

    /// <summary>Configuration key: the first numbered host's port, the others following it; unset or 0 = free ports.</summary>
    public const string FirstPortKey = "Emulator:FirstOnlineHostPort";

    /// <summary>The addresses to bind for <paramref name="count"/> numbered hosts: ports from <paramref name="firstPort"/> on, or free ones when it is 0.</summary>
    public static IReadOnlyList<string> Urls(int count, int firstPort)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return [.. Enumerable.Range(0, count).Select(i => $"http://127.0.0.1:{(firstPort > 0 ? firstPort + i : 0)}")];
    }

    /// <summary>
    /// Fills <see cref="OnlineTenant.AuthorityHost"/> and <see cref="OnlineTenant.Hosts"/> from the bound addresses: the
    /// first <paramref name="ownUrls"/> are the emulator's own (the first of them the un-numbered host), the rest the numbered hosts.
    /// </summary>
    public static void Assign(OnlineTenant tenant, IReadOnlyList<string> bound, int ownUrls, int hostCount)
    {
        if (bound.Count != ownUrls + hostCount)
        {
            throw new InvalidOperationException($"Expected {ownUrls} address(es) and {hostCount} numbered host(s), Kestrel bound {string.Join(", ", bound)}.");
        }

        tenant.Hosts = [.. bound.Skip(ownUrls).Select(a => new Uri(a))];
        tenant.AuthorityHost = new Uri(new Uri(bound[0]).Origin());
    }

    /// <summary>A host's origin without a trailing slash, as <c>/api/state</c> and the tokens write it: <c>http://127.0.0.1:5081</c>.</summary>
    public static string Origin(this Uri host) => host.GetLeftPart(UriPartial.Authority);

    /// <summary>The index in <see cref="OnlineTenant.Hosts"/> of the host listening on <paramref name="port"/>; -1 for the un-numbered host.</summary>
    public static int IndexOfPort(this OnlineTenant tenant, int port)
    {
        var hosts = tenant.Hosts;
        for (var i = 0; i < hosts.Count; i++)
        {
            if (hosts[i].Port == port)
            {
                return i;
            }
        }

        return -1;
    }
}
