using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Messaging;

/// <summary>Two service-like hosts on the real broker, each with a database of its own: one publishes widget events, the other consumes them.</summary>
public abstract class ProducerConsumerTest(ServersFixture servers) : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    protected ServersFixture Servers { get; } = servers;

    protected MessagingHost Producer { get; private set; } = null!;

    protected MessagingHost Consumer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Producer = await MessagingHost.StartAsync(await Servers.CreateDatabaseAsync("producer"), Servers.RabbitMq.AmqpUri, consumes: false);
        Consumer = await MessagingHost.StartAsync(await Servers.CreateDatabaseAsync("consumer"), Servers.RabbitMq.AmqpUri, consumes: true);
    }

    public async Task DisposeAsync()
    {
        await Consumer.DisposeAsync();
        await Producer.DisposeAsync();
    }
}
