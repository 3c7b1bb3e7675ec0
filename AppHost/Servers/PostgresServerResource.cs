namespace Aspire.Hosting.ApplicationModel;

/// <summary>PostgreSQL 15 from Debian's packages; trust authentication, on 127.0.0.1 only, no Unix socket.</summary>
public sealed class PostgresServerResource(string name, string command, string dataDirectory, int port)
    : ServerResource(name, command, dataDirectory, port)
{
    /// <summary>The cluster's folder (PGDATA), inside the data directory.</summary>
    public string PgData => Path.Combine(DataDirectory, "pgdata");

    public override ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username=postgres");

    /// <summary>A connection string for tools on this machine (run mode: the port is fixed).</summary>
    public string LocalConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";
}

/// <summary>A database of a <see cref="PostgresServerResource"/>, created once the server answers.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : Resource(name), IResourceWithParent<PostgresServerResource>, IResourceWithConnectionString
{
    public PostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
