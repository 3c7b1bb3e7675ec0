using System.Net;
using System.Net.Sockets;

namespace PocDirectory.AppHost;

public static class LoopbackPorts
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>
    /// A loopback port that is free now and was not handed out before by this process, so resources
    /// started together never get the same one.
    /// </summary>
    public static int GetFreePort()
    {
        lock (Handed)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
