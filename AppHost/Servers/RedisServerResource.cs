namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Redis as a cache: in the foreground, loopback only, nothing persisted. No one gets in without a password: the
/// default user is off, <c>operator</c> has every right, and each client has a user of its own
/// (<see cref="ServerLoginResource"/>) without the administrative commands.
/// </summary>
public sealed class RedisServerResource(string name, string command, string dataDirectory, int port, ServerPassword operatorPassword)
    : ServerResource(name, command, dataDirectory, port), IServerWithLogins
{
    public string AdminUser => "operator";

    public ServerPassword AdminPassword { get; } = operatorPassword;

    public IList<ServerLoginResource> Logins { get; } = [];

    /// <summary>The exporter's user, when the server is monitored: it reads the server's state, no key.</summary>
    public ServerLoginResource? MonitoringLogin { get; internal set; }

    /// <summary>Where the users are written before every start (owner-only; passwords as SHA-256 hashes).</summary>
    public string ConfigFile => Path.Combine(DataDirectory, "redis.conf");

    public override ReferenceExpression ConnectionStringExpression => ConnectionStringFor(AdminUser, AdminPassword.Parameter);

    public ReferenceExpression ConnectionStringFor(string user, ParameterResource password) =>
        ReferenceExpression.Create($"{HostAndPort},user={user},password={password}");

    /// <summary>The operator's connection string for tools on this machine, as StackExchange.Redis reads it.</summary>
    public string LocalConnectionString => $"127.0.0.1:{Port},user={AdminUser},password={AdminPassword.LocalValue}";
}
