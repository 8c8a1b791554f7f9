using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace VGate.Testing.Network;

/// <summary>Addresses of this machine's own network interfaces.</summary>
public static class LocalAddresses
{
    /// <summary>
    /// An IPv4 address of an interface of this machine that is up and is not loopback, or null when there is none.
    /// Connections to it stay on this machine, yet clients do not treat the peer as loopback.
    /// </summary>
    public static IPAddress? FirstNonLoopbackIPv4() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
