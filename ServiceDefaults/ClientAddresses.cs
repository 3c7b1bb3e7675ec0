using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace PocDirectory;

/// <summary>How a client's address is counted wherever attempts are limited: at the gateway and at sign-in.</summary>
public static class ClientAddresses
{
    /// <summary>
    /// The address a client is counted under: IPv4 as it is (an IPv4-mapped IPv6 address too), IPv6 by its
    /// /64 — the smallest network one subscriber is given — so that one client cannot spread over addresses.
    /// </summary>
    /// <summary>The request's client as counted (<see cref="Bucket"/>), or "unknown" without an address.</summary>
    public static string Of(HttpContext http) => http.Connection.RemoteIpAddress is { } address ? Bucket(address) : "unknown";

    public static string Bucket(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
