using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using PocDirectory.AppHost;

namespace Aspire.Hosting;

public static class RedisServerBuilderExtensions
{
    /// <summary>
    /// What a client's user may not do: administer the server (CONFIG, ACL, SHUTDOWN, MONITOR, DEBUG …), wipe or
    /// list every key, or anything else Redis counts as dangerous (MIGRATE, RESTORE, SORT, FUNCTION FLUSH …), but for
    /// what StackExchange.Redis asks when it connects (INFO, ROLE, naming its connection). Keys are not divided
    /// between clients: the cache, the sessions and the revocation list are shared.
    /// </summary>
    public const string ClientRights = "~* &* +@all -@admin -@dangerous +info +role +client|setname +client|id +client|getname";

    /// <summary>
    /// What the exporter's user may do: read the server's statistics (INFO, the slow log's length, the latency summary,
    /// the settings) and name its connection; no key, no channel, and nothing that shows what clients sent or who
    /// they are (SLOWLOG GET holds commands' arguments, CLIENT LIST the clients' addresses and names).
    /// </summary>
    public const string MonitoringRights = "resetkeys resetchannels -@all +ping +info +config|get +slowlog|len +latency|latest +client|setname";

    /// <summary>
    /// Debian's Redis exporter, <c>{server}-exporter</c> on <paramref name="port"/>, scraped under the server's name, signed in
    /// as the user <c>monitoring</c> (<see cref="MonitoringRights"/>).
    /// </summary>
    public static IResourceBuilder<ExporterResource> AddExporter(this IResourceBuilder<RedisServerResource> server, int port)
    {
        var builder = server.ApplicationBuilder;
        var name = server.Resource.Name;
        var login = new ServerLoginResource($"{name}-monitoring", server.Resource, "monitoring", ServerPasswords.Add(builder, $"{name}-monitoring-password"));
        server.Resource.MonitoringLogin = login;
        builder.AddResource(login).ExcludeFromManifest();
        var exporter = new ExporterResource($"{name}-exporter", ServerBuilderExtensions.Which("prometheus-redis-exporter"),
            Path.Combine(server.Resource.DataDirectory, "..", $"{name}-exporter"), port, server.Resource);
        return builder.AddServer(exporter, "http", (e, ct) => Probes.HttpOkAsync(e.Url, ct))
            .WithEnvironment("REDIS_ADDR", $"redis://127.0.0.1:{server.Resource.Port.ToString(CultureInfo.InvariantCulture)}")
            .WithEnvironment("REDIS_USER", login.User)
            .WithEnvironment("REDIS_PASSWORD", ReferenceExpression.Create($"{login.Password.Parameter}"))
            .WithEnvironment("REDIS_EXPORTER_WEB_LISTEN_ADDRESS", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}")
            .WithAnnotation(new ScrapeTargetAnnotation(name, port))
            .WaitFor(server)
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder,
        string name, int port, string dataDirectory)
    {
        var server = new RedisServerResource(name, ServerBuilderExtensions.Which("redis-server"), dataDirectory, port,
            ServerPasswords.Add(builder, $"{name}-operator-password"));
        return builder.AddServer(server, "redis", IsHealthyAsync, Prepare)
            // The users come from the file (not the command line, which anyone on the machine can read).
            .WithArgs(server.ConfigFile, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", server.DataDirectory, "--daemonize", "no", "--protected-mode", "yes");
    }

    /// <summary>Signs in as the operator (HELLO … AUTH): a server that answers with its properties works, and its users are in place.</summary>
    private static Task<bool> IsHealthyAsync(RedisServerResource server, CancellationToken cancellationToken) =>
        Probes.AnswersWithAsync(server.Port, $"HELLO 2 AUTH {server.AdminUser} {server.AdminPassword.LocalValue}\r\n", "*", cancellationToken);

    private static Task Prepare(RedisServerResource server, CancellationToken cancellationToken)
    {
        var config = new StringBuilder("# Written by the AppHost before every start.\nuser default off resetpass nocommands\n");
        config.Append(CultureInfo.InvariantCulture, $"user {server.AdminUser} on #{Sha256(server.AdminPassword.LocalValue)} ~* &* +@all\n");
        foreach (var login in server.Logins)
        {
            config.Append(CultureInfo.InvariantCulture, $"user {login.User} on #{Sha256(login.Password.LocalValue)} {ClientRights}\n");
        }
        if (server.MonitoringLogin is { } monitoring)
        {
            config.Append(CultureInfo.InvariantCulture, $"user {monitoring.User} on #{Sha256(monitoring.Password.LocalValue)} {MonitoringRights}\n");
        }
        SecretFiles.WritePrivate(server.ConfigFile, config.ToString());
        return Task.CompletedTask;
    }

    private static string Sha256(string password) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(password)));
}
