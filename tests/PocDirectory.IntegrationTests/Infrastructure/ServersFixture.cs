using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using PocDirectory.AppHost;
using PocDirectory.Testing;

namespace PocDirectory.IntegrationTests.Infrastructure;

/// <summary>
/// Real PostgreSQL, RabbitMQ, Redis and SMTP servers for one test collection, started by Aspire from
/// the AppHost's server recipes on free loopback ports.
/// </summary>
public sealed class ServersFixture : IAsyncLifetime
{
    private ServerApp _app = null!;

    public PostgresServerResource Postgres { get; private set; } = null!;
    public RunningServer RabbitMq { get; private set; } = null!;
    public RunningServer Redis { get; private set; } = null!;
    public RunningServer Smtp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = await ServerApp.StartAsync((builder, root) =>
        {
            builder.AddPostgresServer("postgres", LoopbackPorts.GetFreePort(), Path.Combine(root, "postgres"), fsyncOff: true);
            builder.AddRabbitMQServer("rabbitmq", LoopbackPorts.GetFreePort(), LoopbackPorts.GetFreePort(), LoopbackPorts.GetFreePort(), Path.Combine(root, "rabbitmq"));
            builder.AddRedisServer("redis", LoopbackPorts.GetFreePort(), Path.Combine(root, "redis"));
            builder.AddSmtpSink("mail", LoopbackPorts.GetFreePort(), Path.Combine(root, "mail"));
        });
        Postgres = _app.Resource<PostgresServerResource>("postgres");
        RabbitMq = new RunningServer(_app, _app.Resource<RabbitMQServerResource>("rabbitmq"));
        Redis = new RunningServer(_app, _app.Resource<RedisServerResource>("redis"));
        Smtp = new RunningServer(_app, _app.Resource<SmtpSinkResource>("mail"));
    }

    /// <summary>
    /// A new empty database with a unique name; returns its connection string. Every database has a
    /// pool of its own, and the tests make a hundred of them against one server of 200 connections: a
    /// pool here closes a connection idle for two seconds and holds at most 20, so the pools of tests
    /// that have finished give their connections back instead of keeping them for Npgsql's five minutes.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 40)];
        await PostgresServerBuilderExtensions.CreateDatabaseAsync(Postgres, name);
        return Postgres.LocalConnectionString(name) + ";Maximum Pool Size=20;Connection Idle Lifetime=2;Connection Pruning Interval=1";
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>A server of a <see cref="ServerApp"/>: its addresses, and a stop and start through Aspire.</summary>
public sealed class RunningServer(ServerApp app, ServerResource resource)
{
    public ServerResource Resource => resource;

    public int Port => resource.Port;

    /// <summary>The broker as its operator (the tests' own hosts sign in with every right).</summary>
    public Uri AmqpUri => ((RabbitMQServerResource)resource).LocalAmqpUri;

    /// <summary>As the services read it: Redis as its operator, smtp://host:port for the SMTP sink.</summary>
    public string ConnectionString => resource switch
    {
        SmtpSinkResource => $"smtp://127.0.0.1:{Port}",
        RedisServerResource redis => redis.LocalConnectionString,
        _ => $"127.0.0.1:{Port}",
    };

    public string MaildirPath => ((SmtpSinkResource)resource).MaildirPath;

    public Task StopAsync() => app.StopAsync(resource);

    public Task StartAsync(CancellationToken cancellationToken) => app.StartAsync(resource, cancellationToken);
}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<ServersFixture>
{
    public const string Name = "servers";
}
