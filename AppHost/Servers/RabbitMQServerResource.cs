namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// RabbitMQ 3.10 from Debian's packages. Every instance has its own Erlang distribution port, its own
/// epmd (a resource of its own, <see cref="Epmd"/>), and its own HOME, node and data folders, so
/// instances never meet. Durable queues and their messages survive a stop and start. There is no <c>guest</c>:
/// the <c>operator</c> user (administrator, for the management UI) and one user per client (<see cref="ServerLoginResource"/>).
/// </summary>
public sealed class RabbitMQServerResource(string name, string command, string dataDirectory, int port, int distributionPort, EpmdResource epmd,
    ServerPassword operatorPassword)
    : ServerResource(name, command, dataDirectory, port), IServerWithLogins
{
    public const string ManagementEndpointName = "management";

    /// <summary>Erlang distribution: mandatory on high ports (the default, AMQP port + 20000, may exceed 65535).</summary>
    public int DistributionPort { get; } = distributionPort;

    public EpmdResource Epmd { get; } = epmd;

    /// <summary>The management plugin's port (HTTP API and UI, as <see cref="AdminUser"/>, loopback only), or null when it is off.</summary>
    public int? ManagementPort { get; internal set; }

    /// <summary>Where the rabbitmq_prometheus plugin serves the broker's metrics, when it is on.</summary>
    public int? PrometheusPort { get; internal set; }

    public string NodeName => $"rabbit{Port}@localhost";

    public string AdminUser => "operator";

    public ServerPassword AdminPassword { get; } = operatorPassword;

    public IList<ServerLoginResource> Logins => ClusterSeed?.Logins ?? _logins;

    private readonly List<ServerLoginResource> _logins = [];

    /// <summary>For a node that joins a cluster at its first start: the node it joins (whose users and operator it shares).</summary>
    public RabbitMQServerResource? ClusterSeed { get; internal init; }

    /// <summary>Every node of the cluster this node is one of (itself included), or only itself.</summary>
    public IList<RabbitMQServerResource> ClusterNodes => ClusterSeed?.ClusterNodes ?? (_nodes ??= [this]);

    private List<RabbitMQServerResource>? _nodes;

    /// <summary>The Erlang cookie every node of a cluster and its control tool share; null for a node alone (Erlang makes its own).</summary>
    public ServerPassword? Cookie { get; internal set; }

    /// <summary>
    /// Whether a node with its files in <paramref name="dataDirectory"/> has booted before (its Mnesia folder holds
    /// something): its queues, users and cluster membership are there.
    /// </summary>
    public static bool HasData(string dataDirectory)
    {
        var mnesia = Path.Combine(dataDirectory, "mnesia");
        return Directory.Exists(mnesia) && Directory.EnumerateFileSystemEntries(mnesia).Any();
    }

    /// <summary>Set once the health check saw the node running in one cluster with its seed.</summary>
    internal bool JoinedSeen { get; set; }

    /// <summary>Whether the node's queues are quorum queues (a cluster's): read by the services as <c>Messaging:QuorumQueues</c>.</summary>
    public bool Clustered => ClusterNodes.Count > 1;

    public override ReferenceExpression ConnectionStringExpression => ConnectionStringFor(AdminUser, AdminPassword.Parameter);

    public ReferenceExpression ConnectionStringFor(string user, ParameterResource password) =>
        ReferenceExpression.Create($"amqp://{user}:{password}@{HostAndPort}/");

    /// <summary>The operator's connection for tools on this machine.</summary>
    public Uri LocalAmqpUri => new($"amqp://{AdminUser}:{AdminPassword.LocalValue}@127.0.0.1:{Port}/");
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
