using System.Diagnostics;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// RabbitMQ 3.10 from Debian's packages, through the package's real start script (it runs as root and
/// turns SIGTERM into an orderly stop). Every instance has its own Erlang distribution port, its own
/// epmd on a private port, and its own HOME, node and data folders, so instances never meet. The data
/// (durable queues and their messages) survives a stop and start.
/// </summary>
public sealed class RabbitMqServer : Resource, IResourceWithConnectionString
{
    private readonly int _distPort;
    private readonly int _epmdPort;

    public RabbitMqServer(ServerOptions options, int distPort = 0, int epmdPort = 0) : base(options)
    {
        _distPort = FreePorts || distPort == 0 ? PortAllocator.GetFreePort() : distPort;
        _epmdPort = FreePorts || epmdPort == 0 ? PortAllocator.GetFreePort() : epmdPort;
    }

    public static Task<RabbitMqServer> StartAsync(ServerOptions options, CancellationToken cancellationToken) =>
        StartNewAsync(new RabbitMqServer(options), cancellationToken);

    /// <summary>The management plugin's port, or null when it is off.</summary>
    public int? ManagementPort { get; private set; }

    public Uri AmqpUri => new($"amqp://guest:guest@127.0.0.1:{Port}/");

    public override string Url => AmqpUri.ToString();

    public string? ManagementUrl => ManagementPort is { } p ? $"http://127.0.0.1:{p}/" : null;

    public string ConnectionString => AmqpUri.ToString();

    Resource IResourceWithConnectionString.Owner => this;

    /// <summary>The Erlang node and its plugins take 10–30 s on a busy two-core machine: room to spare.</summary>
    protected override TimeSpan DefaultStartTimeout => TimeSpan.FromSeconds(120);

    /// <summary>The script turns SIGTERM into an orderly stop of the node (about 7 s).</summary>
    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(30);

    /// <summary>Turns on the HTTP API and UI (guest/guest, loopback only); port 0 picks a free one.
    /// Call before starting.</summary>
    public RabbitMqServer WithManagementPlugin(int port = 0)
    {
        ManagementPort = FreePorts || port == 0 ? PortAllocator.GetFreePort() : port;
        return this;
    }

    protected override Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Path.Combine(DataDirectory, "mnesia"));
        Directory.CreateDirectory(Path.Combine(DataDirectory, "log"));
        var config = new List<string>
        {
            "loopback_users.guest = true",
            "disk_free_limit.absolute = 50MB",
            "log.console = true",
            "log.file = false",
        };
        if (ManagementPort is { } port)
        {
            config.Add("management.tcp.ip = 127.0.0.1");
            config.Add($"management.tcp.port = {port}");
        }
        File.WriteAllLines(Path.Combine(DataDirectory, "rabbitmq.conf"), config);
        File.WriteAllText(Path.Combine(DataDirectory, "enabled_plugins"),
            ManagementPort is null ? "[]." : "[rabbitmq_management].");
        File.WriteAllText(Path.Combine(DataDirectory, "rabbitmq-env.conf"), "");
        return Task.CompletedTask;
    }

    protected override ProcessStartInfo CreateStartInfo()
    {
        var start = new ProcessStartInfo("/usr/lib/rabbitmq/bin/rabbitmq-server");
        foreach (var (key, value) in BrokerEnvironment())
        {
            start.Environment[key] = value;
        }
        return start;
    }

    protected override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        // The AMQP 0-9-1 protocol header; a running broker answers with a method frame (type 1).
        var answer = await Probes.ExchangeAsync(Port, "AMQP\0\0\u0009\u0001"u8.ToArray(), cancellationToken);
        if (answer.Length == 0 || answer[0] != 1)
        {
            return false;
        }
        return ManagementUrl is null || await Probes.HttpOkAsync(new Uri(ManagementUrl), cancellationToken, anyStatus: true);
    }

    /// <summary>epmd daemonizes out of the process tree: end it explicitly, once the node is gone.</summary>
    protected override async Task AfterStoppedAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await ChildProcess.RunAsync("epmd", ["-kill"], Log, timeout.Token,
                new Dictionary<string, string> { ["ERL_EPMD_PORT"] = _epmdPort.ToString() });
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            Log.Write($"--- could not stop epmd on port {_epmdPort}: {ex.Message}");
        }
    }

    private string Home => Path.Combine(DataDirectory, "home");

    private IEnumerable<(string, string)> BrokerEnvironment()
    {
        yield return ("HOME", Home);
        yield return ("RABBITMQ_NODENAME", $"rabbit{Port}@localhost");
        yield return ("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        yield return ("RABBITMQ_NODE_PORT", Port.ToString());
        // Mandatory on high ports: the default, AMQP port + 20000, may exceed 65535 and crash the node.
        yield return ("RABBITMQ_DIST_PORT", _distPort.ToString());
        yield return ("ERL_EPMD_PORT", _epmdPort.ToString());
        yield return ("ERL_EPMD_ADDRESS", "127.0.0.1");
        yield return ("RABBITMQ_MNESIA_BASE", Path.Combine(DataDirectory, "mnesia"));
        yield return ("RABBITMQ_LOG_BASE", Path.Combine(DataDirectory, "log"));
        yield return ("RABBITMQ_LOGS", "-");
        yield return ("RABBITMQ_PID_FILE", Path.Combine(DataDirectory, "rabbit.pid"));
        yield return ("RABBITMQ_CONFIG_FILE", Path.Combine(DataDirectory, "rabbitmq.conf"));
        yield return ("RABBITMQ_ENABLED_PLUGINS_FILE", Path.Combine(DataDirectory, "enabled_plugins"));
        yield return ("RABBITMQ_CONF_ENV_FILE", Path.Combine(DataDirectory, "rabbitmq-env.conf"));
        yield return ("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
    }
}
