using System.Collections.Concurrent;
using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PocDirectory.AppHost;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;

namespace PocDirectory.Benchmarks;

public sealed record Pinged
{
    public required int Sequence { get; init; }
}

public sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

/// <summary>Stamps the moment the consumer handles each event (past the inbox check, before its commit).</summary>
public sealed class PingedConsumer(BenchDbContext db) : IdempotentConsumer<Pinged, BenchDbContext>(db)
{
    public static readonly ConcurrentDictionary<int, long> Received = new();

    protected override Task HandleAsync(Pinged message, CancellationToken cancellationToken)
    {
        Received.TryAdd(message.Sequence, Stopwatch.GetTimestamp());
        return Task.CompletedTask;
    }
}

/// <summary>
/// Commit-to-consumer latency of the outbox: each of N events is committed in its own transaction
/// (with a short pause between commits, as a busy service would), relayed by the dispatcher through a
/// real RabbitMQ and applied by an inbox consumer in another host with its own database.
/// </summary>
public static class OutboxLatency
{
    public static async Task RunAsync(int count, TimeSpan pause)
    {
        await using var servers = await PocDirectory.Testing.ServerApp.StartAsync((builder, root) =>
        {
            builder.AddPostgresServer("postgres", LoopbackPorts.GetFreePort(), Path.Combine(root, "postgres"));
            builder.AddRabbitMQServer("rabbitmq", LoopbackPorts.GetFreePort(), LoopbackPorts.GetFreePort(), LoopbackPorts.GetFreePort(), Path.Combine(root, "rabbitmq"));
        });
        var postgres = servers.Resource<PostgresServerResource>("postgres");
        var amqp = servers.Resource<RabbitMQServerResource>("rabbitmq").LocalAmqpUri;
        await PostgresServerBuilderExtensions.CreateDatabaseAsync(postgres, "producer");
        await PostgresServerBuilderExtensions.CreateDatabaseAsync(postgres, "consumer");

        using var producer = await StartHostAsync("bench-producer", postgres.LocalConnectionString("producer"), amqp, consumes: false);
        using var consumer = await StartHostAsync("bench-consumer", postgres.LocalConnectionString("consumer"), amqp, consumes: true);

        // Warm-up: connections, JIT, queue bindings.
        await CommitAsync(producer, -1);
        await WaitAsync(() => PingedConsumer.Received.ContainsKey(-1));

        var committed = new long[count];
        for (var i = 0; i < count; i++)
        {
            await CommitAsync(producer, i);
            committed[i] = Stopwatch.GetTimestamp();
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause);
            }
        }
        await WaitAsync(() => Enumerable.Range(0, count).All(PingedConsumer.Received.ContainsKey));

        var latencies = Enumerable.Range(0, count)
            .Select(i => Stopwatch.GetElapsedTime(committed[i], PingedConsumer.Received[i]).TotalMilliseconds)
            .Order().ToArray();
        Console.WriteLine($"outbox commit -> consumer applied, {count} events, pause {pause.TotalMilliseconds} ms between commits");
        Console.WriteLine($"  median {Percentile(latencies, 50):0.0} ms, p90 {Percentile(latencies, 90):0.0} ms, p99 {Percentile(latencies, 99):0.0} ms, max {latencies[^1]:0.0} ms");

        await producer.StopAsync();
        await consumer.StopAsync();
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static async Task CommitAsync(IHost host, int sequence)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BenchDbContext>();
        db.AddIntegrationEvent(new Pinged { Sequence = sequence });
        await db.SaveChangesAsync();
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Events did not arrive within two minutes.");
            }
            await Task.Delay(5);
        }
    }

    private static async Task<IHost> StartHostAsync(string service, string connectionString, Uri amqp, bool consumes)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = service });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:benchdb"] = connectionString,
            [$"ConnectionStrings:{ResourceNames.Messaging}"] = amqp.ToString(),
        });
        builder.AddServiceDatabase<BenchDbContext>("benchdb");
        builder.AddMessaging<BenchDbContext>(service, bus =>
        {
            if (consumes)
            {
                bus.AddConsumer<PingedConsumer>().Endpoint(e => e.Name = $"{service}-pinged");
            }
        });
        var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BenchDbContext>().Database.EnsureCreatedAsync();
        }
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return host;
    }
}
