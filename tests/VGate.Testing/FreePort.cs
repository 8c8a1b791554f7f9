using System.Net;
using System.Net.Sockets;

namespace VGate.Testing;

/// <summary>Finds TCP ports nobody is listening on.</summary>
public static class FreePort
{
    /// <summary>
    /// Binds port 0 on 127.0.0.1, reads the port the OS chose and releases it. Another process can take the port
    /// before the caller binds it, so callers must retry on a bind conflict (<see cref="MariaDbServer"/> does).
    /// </summary>
    public static int GetAvailableTcpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
