using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using PocDirectory.AppHost;

namespace Aspire.Hosting;

public static class RedisServerBuilderExtensions
{
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder,
        string name, int port, string dataDirectory)
    {
        var server = new RedisServerResource(name, ServerBuilderExtensions.Which("redis-server"), dataDirectory, port);
        return builder.AddServer(server, "redis", (s, ct) => Probes.AnswersWithAsync(s.Port, "PING\r\n", "+PONG", ct))
            .WithArgs("--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", server.DataDirectory, "--daemonize", "no", "--protected-mode", "yes");
    }
}
