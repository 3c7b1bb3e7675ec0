namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// RabbitMQ 3.10 from Debian's packages. Every instance has its own Erlang distribution port, its own
/// epmd (a resource of its own, <see cref="Epmd"/>), and its own HOME, node and data folders, so
/// instances never meet. Durable queues and their messages survive a stop and start.
/// </summary>
public sealed class RabbitMQServerResource(string name, string command, string dataDirectory, int port, int distributionPort, EpmdResource epmd)
    : ServerResource(name, command, dataDirectory, port)
{
    public const string ManagementEndpointName = "management";

    /// <summary>Erlang distribution: mandatory on high ports (the default, AMQP port + 20000, may exceed 65535).</summary>
    public int DistributionPort { get; } = distributionPort;

    public EpmdResource Epmd { get; } = epmd;

    /// <summary>The management plugin's port (HTTP API and UI, guest/guest, loopback only), or null when it is off.</summary>
    public int? ManagementPort { get; internal set; }

    public string NodeName => $"rabbit{Port}@localhost";

    public override ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://guest:guest@{HostAndPort}/");
}

/// <summary>
/// Erlang's port mapper for one broker, on a private port. Run as its own resource: when the broker
/// starts it, epmd daemonizes out of the process tree and outlives every run.
/// </summary>
public sealed class EpmdResource(string name, string command, string dataDirectory, int port)
    : ServerResource(name, command, dataDirectory, port)
{
    public override ReferenceExpression ConnectionStringExpression => HostAndPort;
}
