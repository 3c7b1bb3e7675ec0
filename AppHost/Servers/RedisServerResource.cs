namespace Aspire.Hosting.ApplicationModel;

/// <summary>Redis as a cache: in the foreground, loopback only, nothing persisted.</summary>
public sealed class RedisServerResource(string name, string command, string dataDirectory, int port)
    : ServerResource(name, command, dataDirectory, port)
{
    public override ReferenceExpression ConnectionStringExpression => HostAndPort;
}
