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
        var server = new RabbitMQServerResource(name, "/usr/lib/rabbitmq/bin/rabbitmq-server", dataDirectory, port, distributionPort, epmd.Resource,
            ServerPasswords.Add(builder, $"{name}-operator-password"));
        var broker = builder.AddServer(server, "amqp", IsHealthyAsync, Prepare)
            .WaitFor(epmd)
            .WithParentRelationship(epmd); // shown together on the dashboard
        foreach (var (key, value) in Environment(server))
        {
            broker.WithEnvironment(key, value);
        }
        return broker;
    }

    /// <summary>
    /// A further node of <paramref name="seed"/>'s cluster, on loopback beside it: the same epmd, the same Erlang cookie (a
    /// state secret), the same users. At its first start it finds the seed through RabbitMQ's classic peer discovery and
    /// joins it; later starts (a restart after a kill) rejoin from its own data. It starts once the seed answers.
    /// </summary>
    public static IResourceBuilder<RabbitMQServerResource> AddClusterNode(this IResourceBuilder<RabbitMQServerResource> seed,
        string name, int port, int distributionPort, string dataDirectory)
    {
        var builder = seed.ApplicationBuilder;
        var first = seed.Resource;
        first.Cookie ??= ServerPasswords.Add(builder, $"{first.Name}-erlang-cookie");
        var server = new RabbitMQServerResource(name, first.Command, dataDirectory, port, distributionPort, first.Epmd, first.AdminPassword)
        {
            ClusterSeed = first,
            Cookie = first.Cookie,
        };
        first.ClusterNodes.Add(server);
        var node = builder.AddServer(server, "amqp", IsHealthyAsync, Prepare)
            .WithParentRelationship(seed);
        // At its first boot a node joins the seed, which must answer by then. Later, all three boot together: a node that
        // stopped with its peers still up (a kill, a second Ctrl+C) waits for one of them before it opens AMQP, so a
        // node waiting for the seed's health would wait for ever for a seed waiting for it.
        node.WaitFor(RabbitMQServerResource.HasData(server.DataDirectory) ? builder.CreateResourceBuilder(first.Epmd) : seed);
        foreach (var (key, value) in Environment(server))
        {
            node.WithEnvironment(key, value);
        }
        return node;
    }

    /// <summary>Turns on the HTTP API and UI (the <c>operator</c> user, loopback only).</summary>
    public static IResourceBuilder<RabbitMQServerResource> WithManagementPlugin(this IResourceBuilder<RabbitMQServerResource> builder, int port)
    {
        builder.Resource.ManagementPort = port;
        return builder.WithHttpEndpoint(port: port, targetPort: port, name: RabbitMQServerResource.ManagementEndpointName, isProxied: false)
            .WithEndpoint(RabbitMQServerResource.ManagementEndpointName, e => e.TargetHost = "127.0.0.1");
    }

    /// <summary>
    /// Turns on the rabbitmq_prometheus plugin on 127.0.0.1:<paramref name="port"/> (no sign-in: it says how busy the
    /// queues are, never what is in them), scraped as the server's job (the node's totals) and as <c>{name}-queues</c>:
    /// the depth of every queue, which the error-queue alert reads. A cluster's node is scraped under its seed's jobs,
    /// each node a target of its own: a node reports the queues it leads, and a node down shows <c>up == 0</c>.
    /// </summary>
    public static IResourceBuilder<RabbitMQServerResource> WithPrometheusPlugin(this IResourceBuilder<RabbitMQServerResource> builder, int port)
    {
        builder.Resource.PrometheusPort = port;
        var job = (builder.Resource.ClusterSeed ?? builder.Resource).Name;
        return builder
            .WithAnnotation(new ScrapeTargetAnnotation(job, port))
            .WithAnnotation(new ScrapeTargetAnnotation($"{job}-queues", port, "/metrics/detailed",
                new Dictionary<string, string> { ["family"] = "queue_coarse_metrics" }));
    }

    private static async Task<bool> IsHealthyAsync(RabbitMQServerResource server, CancellationToken cancellationToken)
    {
        // The AMQP 0-9-1 protocol header; a running broker answers with a method frame (type 1).
        var answer = await Probes.ExchangeAsync(server.Port, "AMQP\0\0\u0009\u0001"u8.ToArray(), cancellationToken);
        if (answer.Length == 0 || answer[0] != 1)
        {
            return false;
        }
        if (server.ManagementPort is { } management
            && !await Probes.HttpOkAsync(new Uri($"http://127.0.0.1:{management}/"), cancellationToken, anyStatus: true))
        {
            return false;
        }
        if (server.ClusterSeed is { } seed && !server.JoinedSeen)
        {
            var status = await Commands.RunAsync("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-q", "-n", server.NodeName, "cluster_status", "--formatter", "json"],
                cancellationToken, Environment(server).ToDictionary(e => e.Item1, e => e.Item2));
            // The output is the tool's standard output and error together: the JSON object is what lies between its braces.
            var (start, end) = (status.IndexOf('{'), status.LastIndexOf('}'));
            if (start < 0 || end < start)
            {
                return false;
            }
            using var json = System.Text.Json.JsonDocument.Parse(status[start..(end + 1)]);
            var running = json.RootElement.GetProperty("running_nodes").EnumerateArray().Select(n => n.GetString()).ToList();
            if (!running.Contains(seed.NodeName))
            {
                return false; // up, but not (yet) one cluster with the seed
            }
            server.JoinedSeen = true;
        }
        await RemoveGuestAsync(server, cancellationToken);
        return true;
    }

    /// <summary>
    /// A node made before users were defined still has <c>guest</c> (a node whose first boot loads definitions never
    /// gets one): removed once, through the node's own control tool, then remembered by a marker file.
    /// </summary>
    private static async Task RemoveGuestAsync(RabbitMQServerResource server, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(server.DataDirectory, GuestRemovedMarker);
        if (File.Exists(marker))
        {
            return;
        }
        try
        {
            await Commands.RunAsync("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-n", server.NodeName, "delete_user", "guest"], cancellationToken,
                Environment(server).ToDictionary(e => e.Item1, e => e.Item2));
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("does not exist", StringComparison.Ordinal)
                                                   || ex.Message.Contains("no_such_user", StringComparison.Ordinal))
        {
            // already gone
        }
        File.WriteAllText(marker, "");
    }

    private const string GuestRemovedMarker = "guest-removed";

    private static Task Prepare(RabbitMQServerResource server, CancellationToken cancellationToken)
    {
        server.JoinedSeen = false; // a node started again is checked again
        var data = server.DataDirectory;
        Directory.CreateDirectory(Path.Combine(data, "home"));
        if (!RabbitMQServerResource.HasData(data))
        {
            File.WriteAllText(Path.Combine(data, GuestRemovedMarker), ""); // a first boot with definitions makes no guest
        }
        Directory.CreateDirectory(Path.Combine(data, "mnesia"));
        Directory.CreateDirectory(Path.Combine(data, "log"));
        // Users, read at every boot (a changed password takes effect at the next start), their passwords as salted hashes.
        var definitions = Path.Combine(data, "definitions.json");
        SecretFiles.WritePrivate(definitions, Definitions(server, guestLeft: !File.Exists(Path.Combine(data, GuestRemovedMarker))));
        var config = new List<string>
        {
            "definitions.import_backend = local_filesystem",
            $"definitions.local.path = {definitions}",
            "disk_free_limit.absolute = 50MB",
            "log.console = true",
            "log.file = false",
        };
        if (server.ManagementPort is { } port)
        {
            config.Add("management.tcp.ip = 127.0.0.1");
            config.Add($"management.tcp.port = {port}");
        }
        if (server.PrometheusPort is { } prometheus)
        {
            // The plugin listens on every interface at 15692 unless told otherwise.
            config.Add("prometheus.tcp.ip = 127.0.0.1");
            config.Add($"prometheus.tcp.port = {prometheus}");
        }
        if (server.ClusterSeed is { } seed)
        {
            // Joined at the first start: the seed is listed and already answers (the node waits for it).
            config.Add("cluster_formation.peer_discovery_backend = classic_config");
            config.Add($"cluster_formation.classic_config.nodes.1 = {seed.NodeName}");
            config.Add("cluster_formation.randomized_startup_delay_range.min = 0");
            config.Add("cluster_formation.randomized_startup_delay_range.max = 0");
        }
        if (server.Cookie is { } cookie)
        {
            // One cookie for every node and for rabbitmqctl; Erlang refuses a cookie file others can read.
            var path = Path.Combine(data, "home", ".erlang.cookie");
            if (!File.Exists(path) || File.ReadAllText(path) != cookie.LocalValue)
            {
                File.Delete(path);
                SecretFiles.WritePrivate(path, cookie.LocalValue);
                File.SetUnixFileMode(path, UnixFileMode.UserRead);
            }
        }
        File.WriteAllLines(Path.Combine(data, "rabbitmq.conf"), config);
        // A joined node reports its figures to the management plugin of the seed through the agent.
        var plugins = new[] { (server.ManagementPort, "rabbitmq_management"), (server.PrometheusPort, "rabbitmq_prometheus"),
                (server.ClusterSeed?.ManagementPort, "rabbitmq_management_agent") }
            .Where(p => p.Item1 is not null).Select(p => p.Item2);
        File.WriteAllText(Path.Combine(data, "enabled_plugins"), $"[{string.Join(",", plugins)}].");
        File.WriteAllText(Path.Combine(data, "rabbitmq-env.conf"), "");
        return Task.CompletedTask;
    }

    /// <summary>The users (operator: administrator; each client: its rights on the one virtual host) in RabbitMQ's definitions format.</summary>
    /// <param name="guestLeft">
    /// An older node's guest is still there until the first probe deletes it: until then it is given an unknown
    /// password, no tags and no permissions at boot, before anyone can sign in as guest/guest.
    /// </param>
    private static string Definitions(RabbitMQServerResource server, bool guestLeft)
    {
        var users = new List<(string Name, string Password, string[] Tags)> { (server.AdminUser, server.AdminPassword.LocalValue, ["administrator"]) };
        users.AddRange(server.Logins.Select(l => (l.User, l.Password.LocalValue, Array.Empty<string>())));
        var everyone = guestLeft ? [.. users, ("guest", SecretFiles.NewSecret(), [])] : users;
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            users = everyone.Select(u => new
            {
                name = u.Name,
                password_hash = PasswordHash(u.Password),
                hashing_algorithm = "rabbit_password_hashing_sha256",
                tags = u.Tags,
            }),
            vhosts = new[] { new { name = "/" } },
            permissions = users.Select(u => new { user = u.Name, vhost = "/", configure = ".*", write = ".*", read = ".*" }),
        });
    }

    /// <summary>RabbitMQ's <c>rabbit_password_hashing_sha256</c>: base64 of a 4-byte salt followed by SHA-256(salt ‖ password).</summary>
    public static string PasswordHash(string password, byte[]? salt = null)
    {
        salt ??= System.Security.Cryptography.RandomNumberGenerator.GetBytes(4);
        var salted = salt.Concat(System.Text.Encoding.UTF8.GetBytes(password)).ToArray();
        return Convert.ToBase64String([.. salt, .. System.Security.Cryptography.SHA256.HashData(salted)]);
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
