using System.Net.Sockets;
using System.Text;

namespace PocDirectory.AppHost;

/// <summary>Protocol-level health probes: a listening socket is not yet a working server.</summary>
public static class Probes
{
    // Loopback only, so never through a proxy from the environment; no cookies or pooling surprises.
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromSeconds(5),
    })
    { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Connects, optionally sends <paramref name="send"/>, and returns what the server answers first.</summary>
    public static async Task<byte[]> ExchangeAsync(int port, byte[]? send, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        var stream = client.GetStream();
        if (send is not null)
        {
            await stream.WriteAsync(send, timeout.Token);
        }
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return buffer[..read];
    }

    /// <summary>True when something accepts a connection on the port.</summary>
    public static async Task<bool> ConnectsAsync(int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        return true;
    }

    public static async Task<bool> AnswersWithAsync(int port, string? send, string expectedPrefix, CancellationToken cancellationToken)
    {
        var answer = await ExchangeAsync(port, send is null ? null : Encoding.ASCII.GetBytes(send), cancellationToken);
        return Encoding.ASCII.GetString(answer).StartsWith(expectedPrefix, StringComparison.Ordinal);
    }

    public static async Task<bool> HttpOkAsync(Uri url, CancellationToken cancellationToken, bool anyStatus = false)
    {
        using var response = await Http.GetAsync(url, cancellationToken);
        return anyStatus || response.IsSuccessStatusCode;
    }
}
