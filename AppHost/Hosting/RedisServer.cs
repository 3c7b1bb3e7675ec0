using System.Diagnostics;

namespace PocDirectory.AppHost.Hosting;

/// <summary>Redis as a cache: in the foreground, loopback only, nothing persisted.</summary>
public sealed class RedisServer(ServerOptions options) : Resource(options), IResourceWithConnectionString
{
    public static Task<RedisServer> StartAsync(ServerOptions options, CancellationToken cancellationToken) =>
        StartNewAsync(new RedisServer(options), cancellationToken);

    public override string Url => $"redis://127.0.0.1:{Port}";

    public string ConnectionString => $"127.0.0.1:{Port}";

    Resource IResourceWithConnectionString.Owner => this;

    protected override ProcessStartInfo CreateStartInfo()
    {
        var start = new ProcessStartInfo("redis-server");
        foreach (var a in new[]
        {
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", DataDirectory, "--daemonize", "no", "--protected-mode", "yes",
        })
        {
            start.ArgumentList.Add(a);
        }
        return start;
    }

    protected override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        Probes.AnswersWithAsync(Port, "PING\r\n", "+PONG", cancellationToken);
}
