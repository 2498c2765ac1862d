using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Support;

/// <summary>TCP ports nobody listens on, so that hosts started by tests never collide.</summary>
public static class FreePorts
{
    /// <summary>A port free at the time of asking.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
