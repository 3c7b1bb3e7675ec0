using System.Net.NetworkInformation;

namespace PocDirectory;

/// <summary>
/// Open sessions with an SMTP server on this machine, as the kernel's table of TCP connections shows them. Notifications
/// records an e-mail as sent right after the last byte of its data, before the server's answer, and ends its session
/// after the answer to its last e-mail: once no session is open, every message recorded as sent has been answered, and
/// the SMTP sink stores a message before it answers. A session whose client is gone (killed after the data) is open
/// until the server has finished with it and closed its side.
/// </summary>
public static class SmtpSessions
{
    public static int OpenTo(int port) =>
        IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpConnections().Count(c =>
            (c.RemoteEndPoint.Port == port && c.State == TcpState.Established)
            || (c.LocalEndPoint.Port == port && c.State is TcpState.Established or TcpState.CloseWait));
}
