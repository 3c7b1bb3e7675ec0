using PocDirectory.AppHost.Hosting;

namespace PocDirectory.IntegrationTests.Infrastructure;

/// <summary>
/// Real PostgreSQL, RabbitMQ, Redis and SMTP servers for one test collection, on free loopback ports with
/// their data in a temporary folder, started by the AppHost's own resource library.
/// </summary>
public sealed class ServersFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _root = System.IO.Directory.CreateTempSubdirectory("pocdir-it-");

    public PostgresServer Postgres { get; private set; } = null!;
    public RabbitMqServer RabbitMq { get; private set; } = null!;
    public RedisServer Redis { get; private set; } = null!;

    public SmtpSink Smtp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var postgres = PostgresServer.StartAsync(Options("postgres"), fsyncOff: true, timeout.Token);
        var rabbit = RabbitMqServer.StartAsync(Options("rabbitmq"), timeout.Token);
        var redis = RedisServer.StartAsync(Options("redis"), timeout.Token);
        var smtp = SmtpSink.StartAsync(Options("mail"), timeout.Token);
        Postgres = await postgres;
        RabbitMq = await rabbit;
        Redis = await redis;
        Smtp = await smtp;
    }

    /// <summary>A new empty database with a unique name; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 40)];
        await Postgres.CreateDatabaseAsync(name);
        return Postgres.ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        await DisposeQuietly(Smtp);
        await DisposeQuietly(Redis);
        await DisposeQuietly(RabbitMq);
        await DisposeQuietly(Postgres);
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A server may still hold a file for a moment; the folder is under the temp path.
        }
    }

    private ServerOptions Options(string name) => new()
    {
        Name = name,
        DataDirectory = Path.Combine(_root.FullName, name),
        Port = 0,
        EchoToConsole = false,
    };

    private static async Task DisposeQuietly(IAsyncDisposable? server)
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<ServersFixture>
{
    public const string Name = "servers";
}
