namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A server from Debian's packages run as an executable resource: Aspire's own <c>AddPostgres</c>,
/// <c>AddRabbitMQ</c> and <c>AddRedis</c> are container resources, and these machines have no
/// container engine. Listens on 127.0.0.1 only, on <see cref="Port"/> (not proxied: the process
/// that listens is the one a fault test kills), with its files in <see cref="DataDirectory"/>.
/// In a deployment the same connection-string names point at managed servers instead.
/// </summary>
public abstract class ServerResource(string name, string command, string dataDirectory, int port)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    public int Port { get; } = port;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>Host and port as the clients reach them: 127.0.0.1 here, the service's name in a cluster.</summary>
    protected ReferenceExpression HostAndPort =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");

    public abstract ReferenceExpression ConnectionStringExpression { get; }
}
