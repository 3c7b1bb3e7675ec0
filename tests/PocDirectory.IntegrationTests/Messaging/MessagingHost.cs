using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;

namespace PocDirectory.IntegrationTests.Messaging;

/// <summary>
/// A service-like host wired exactly as the services are (AddServiceDatabase + AddMessaging), with
/// its own database and its own queue names so hosts never steal each other's messages.
/// </summary>
public sealed class MessagingHost : IAsyncDisposable
{
    private const string DatabaseName = "testdb";

    private MessagingHost(IHost host, string consumerQueue)
    {
        Host = host;
        ConsumerQueue = consumerQueue;
    }

    public IHost Host { get; }

    /// <summary>The queue its consumer takes widget events from (when it consumes).</summary>
    public string ConsumerQueue { get; }

    /// <param name="batches">Consumes widget events in batches (<see cref="WidgetBatchConsumer"/>) instead of one at a time.</param>
    public static async Task<MessagingHost> StartAsync(string connectionString, Uri amqp, bool consumes, bool batches = false)
    {
        var service = $"test-{Guid.NewGuid():N}"[..13];
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = service,
            EnvironmentName = "Testing",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseName}"] = connectionString,
            [$"ConnectionStrings:{ResourceNames.Messaging}"] = amqp.ToString(),
            [SealedJsonSerializer.SettingName] = Infrastructure.TestKeys.Messaging,
            ["Outbox:PollInterval"] = "00:00:01",
            ["Outbox:PublishTimeout"] = "00:00:03",
            ["Outbox:MaxRetryDelay"] = "00:00:01",
        });
        builder.ConfigureStructuredLogging(); // the services' log filters: no per-command SQL
        builder.AddServiceDatabase<TestDbContext>(DatabaseName);
        builder.AddMessaging<TestDbContext>(service, bus =>
        {
            if (consumes && batches)
            {
                bus.AddConsumer<WidgetBatchConsumer>(consumer => consumer.Options<BatchOptions>(WidgetBatchConsumer.Options))
                    .Endpoint(e => e.Name = $"{service}-widget-created");
            }
            else if (consumes)
            {
                // One at a time, so a marker message proves that everything before it was handled.
                bus.AddConsumer<WidgetCreatedConsumer>().Endpoint(e =>
                {
                    e.Name = $"{service}-widget-created";
                    e.ConcurrentMessageLimit = 1;
                });
            }
        });
        var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TestDbContext>().Database.EnsureCreatedAsync();
        }
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(90));
        return new MessagingHost(host, $"{service}-widget-created");
    }

    public async Task<T> WithDbAsync<T>(Func<TestDbContext, Task<T>> action)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TestDbContext>());
    }

    /// <summary>Creates widgets, each with its event, one transaction each, as a service does.</summary>
    public async Task<List<Guid>> CreateWidgetsAsync(int count, int firstSequence = 0)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            await WithDbAsync(async db =>
            {
                db.Widgets.Add(new Widget { Id = id, Sequence = firstSequence + i });
                db.AddIntegrationEvent(new WidgetCreated { WidgetId = id, Sequence = firstSequence + i });
                return await db.SaveChangesAsync();
            });
            ids.Add(id);
        }
        return ids;
    }

    public Task<int> AppliedCountAsync() => WithDbAsync(db => db.Applied.CountAsync());

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await Host.StopAsync(timeout.Token);
        }
        finally
        {
            Host.Dispose();
        }
    }
}
