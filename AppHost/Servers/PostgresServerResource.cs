namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// PostgreSQL 15 from Debian's packages, on 127.0.0.1 only, no Unix socket, every login by password
/// (scram-sha-256). The superuser <c>postgres</c> is the recipe's and the operator's; each database is owned by a
/// role of its own that can reach nothing else (<see cref="PostgresDatabaseResource"/>).
/// </summary>
public sealed class PostgresServerResource(string name, string command, string dataDirectory, int port, ServerPassword superuserPassword)
    : ServerResource(name, command, dataDirectory, port)
{
    public const string Superuser = "postgres";

    /// <summary>The cluster's folder (PGDATA), inside the data directory.</summary>
    public string PgData => Path.Combine(DataDirectory, "pgdata");

    public ServerPassword SuperuserPassword { get; } = superuserPassword;

    /// <summary>The databases, each reachable by its owner alone (pg_hba.conf is written from them before every start).</summary>
    public IList<PostgresDatabaseResource> Databases { get; } = [];

    /// <summary>The exporter's role, when the server is monitored (it may sign in to the maintenance database only).</summary>
    public PostgresMonitoringLoginResource? MonitoringLogin { get; internal set; }

    public override ReferenceExpression ConnectionStringExpression => ConnectionStringFor(Superuser, SuperuserPassword.Parameter);

    internal ReferenceExpression ConnectionStringFor(string user, ParameterResource password) => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={user};Password={password}");

    /// <summary>A superuser's connection string for tools on this machine (run mode: the port is fixed).</summary>
    public string LocalConnectionString(string database) => LocalConnectionString(Superuser, SuperuserPassword, database);

    internal string LocalConnectionString(string user, ServerPassword password, string database) =>
        $"Host=127.0.0.1;Port={Port};Username={user};Password={password.LocalValue};Database={database}";
}

/// <summary>
/// A database of a <see cref="PostgresServerResource"/>, owned by its own role (<see cref="Owner"/>) that may
/// connect to it alone; made, and the role with it, once the server answers.
/// </summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent, string owner, ServerPassword ownerPassword)
    : Resource(name), IResourceWithParent<PostgresServerResource>, IResourceWithConnectionString
{
    public PostgresServerResource Parent { get; } = parent;

    /// <summary>Written into pg_hba.conf: the same characters as a user name.</summary>
    public string DatabaseName { get; } = ServerLoginResource.ValidUser(databaseName);

    /// <summary>The role that owns the database and everything in it: the service's login.</summary>
    public string Owner { get; } = ServerLoginResource.ValidUser(owner);

    public ServerPassword OwnerPassword { get; } = ownerPassword;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent.ConnectionStringFor(Owner, OwnerPassword.Parameter)};Database={DatabaseName}");

    /// <summary>The owner's connection string for tools on this machine.</summary>
    public string LocalConnectionString() => Parent.LocalConnectionString(Owner, OwnerPassword, DatabaseName);
}
