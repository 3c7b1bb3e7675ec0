using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using PocDirectory.AppHost;

namespace Aspire.Hosting;

public static class RabbitMQServerBuilderExtensions
{
    /// <summary>
    /// RabbitMQ through the package's real start script (it runs as root and turns SIGTERM into an
    /// orderly stop of the node), with its epmd as a separate resource <c>{name}-epmd</c>.
    /// </summary>
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQServer(this IDistributedApplicationBuilder builder,
        string name, int port, int distributionPort, int epmdPort, string dataDirectory)
    {
        var epmd = builder.AddServer(
                new EpmdResource($"{name}-epmd", ServerBuilderExtensions.Which("epmd"), Path.Combine(dataDirectory, "epmd"), epmdPort),
                "tcp", (e, ct) => Probes.ConnectsAsync(e.Port, ct))
            .WithArgs("-port", epmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1")
            .ExcludeFromManifest(); // a detail of the local broker
        var server = new RabbitMQServerResource(name, "/usr/lib/rabbitmq/bin/rabbitmq-server", dataDirectory, port, distributionPort, epmd.Resource);
        var broker = builder.AddServer(server, "amqp", IsHealthyAsync, Prepare)
            .WaitFor(epmd)
            .WithParentRelationship(epmd); // shown together on the dashboard
        foreach (var (key, value) in Environment(server))
        {
            broker.WithEnvironment(key, value);
        }
        return broker;
    }

    /// <summary>Turns on the HTTP API and UI (guest/guest, loopback only).</summary>
    public static IResourceBuilder<RabbitMQServerResource> WithManagementPlugin(this IResourceBuilder<RabbitMQServerResource> builder, int port)
    {
        builder.Resource.ManagementPort = port;
        return builder.WithHttpEndpoint(port: port, targetPort: port, name: RabbitMQServerResource.ManagementEndpointName, isProxied: false)
            .WithEndpoint(RabbitMQServerResource.ManagementEndpointName, e => e.TargetHost = "127.0.0.1");
    }

    private static async Task<bool> IsHealthyAsync(RabbitMQServerResource server, CancellationToken cancellationToken)
    {
        // The AMQP 0-9-1 protocol header; a running broker answers with a method frame (type 1).
        var answer = await Probes.ExchangeAsync(server.Port, "AMQP\0\0\u0009\u0001"u8.ToArray(), cancellationToken);
        if (answer.Length == 0 || answer[0] != 1)
        {
            return false;
        }
        return server.ManagementPort is not { } management
            || await Probes.HttpOkAsync(new Uri($"http://127.0.0.1:{management}/"), cancellationToken, anyStatus: true);
    }

    private static Task Prepare(RabbitMQServerResource server, CancellationToken cancellationToken)
    {
        var data = server.DataDirectory;
        Directory.CreateDirectory(Path.Combine(data, "home"));
        Directory.CreateDirectory(Path.Combine(data, "mnesia"));
        Directory.CreateDirectory(Path.Combine(data, "log"));
        var config = new List<string>
        {
            "loopback_users.guest = true",
            "disk_free_limit.absolute = 50MB",
            "log.console = true",
            "log.file = false",
        };
        if (server.ManagementPort is { } port)
        {
            config.Add("management.tcp.ip = 127.0.0.1");
            config.Add($"management.tcp.port = {port}");
        }
        File.WriteAllLines(Path.Combine(data, "rabbitmq.conf"), config);
        File.WriteAllText(Path.Combine(data, "enabled_plugins"), server.ManagementPort is null ? "[]." : "[rabbitmq_management].");
        File.WriteAllText(Path.Combine(data, "rabbitmq-env.conf"), "");
        return Task.CompletedTask;
    }

    private static IEnumerable<(string, string)> Environment(RabbitMQServerResource server)
    {
        var data = server.DataDirectory;
        yield return ("HOME", Path.Combine(data, "home"));
        yield return ("RABBITMQ_NODENAME", server.NodeName);
        yield return ("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        yield return ("RABBITMQ_NODE_PORT", server.Port.ToString(CultureInfo.InvariantCulture));
        yield return ("RABBITMQ_DIST_PORT", server.DistributionPort.ToString(CultureInfo.InvariantCulture));
        yield return ("ERL_EPMD_PORT", server.Epmd.Port.ToString(CultureInfo.InvariantCulture));
        yield return ("ERL_EPMD_ADDRESS", "127.0.0.1");
        yield return ("RABBITMQ_MNESIA_BASE", Path.Combine(data, "mnesia"));
        yield return ("RABBITMQ_LOG_BASE", Path.Combine(data, "log"));
        yield return ("RABBITMQ_LOGS", "-");
        yield return ("RABBITMQ_PID_FILE", Path.Combine(data, "rabbit.pid"));
        yield return ("RABBITMQ_CONFIG_FILE", Path.Combine(data, "rabbitmq.conf"));
        yield return ("RABBITMQ_ENABLED_PLUGINS_FILE", Path.Combine(data, "enabled_plugins"));
        yield return ("RABBITMQ_CONF_ENV_FILE", Path.Combine(data, "rabbitmq-env.conf"));
        // epmd is the resource beside the broker: the node must not start (and leave behind) its own.
        yield return ("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false");
    }
}
