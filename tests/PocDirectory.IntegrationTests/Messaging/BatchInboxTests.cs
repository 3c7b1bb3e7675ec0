using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PocDirectory.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace PocDirectory.IntegrationTests.Messaging;

/// <summary>
/// <see cref="PocDirectory.BuildingBlocks.Messaging.IdempotentBatchConsumer{TMessage, TContext}"/> on the real broker and
/// PostgreSQL: a burst arrives in batches, each message applied once, whether repeated inside one batch or across two,
/// a batch whose handler fails leaves nothing behind and is applied once on its retry, and a message that can never be
/// applied fails alone.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class BatchInboxTests(ServersFixture servers) : IAsyncLifetime
{
    private MessagingHost _producer = null!;
    private MessagingHost _consumer = null!;

    public async Task InitializeAsync()
    {
        _producer = await MessagingHost.StartAsync(await servers.CreateDatabaseAsync("producer"), servers.RabbitMq.AmqpUri, consumes: false);
        _consumer = await MessagingHost.StartAsync(await servers.CreateDatabaseAsync("consumer"), servers.RabbitMq.AmqpUri, consumes: true, batches: true);
    }

    public async Task DisposeAsync()
    {
        await _consumer.DisposeAsync();
        await _producer.DisposeAsync();
    }

    [Fact]
    public async Task A_burst_is_applied_in_batches_each_message_once_through_repeats_and_a_failed_attempt()
    {
        using var dropped = new InboxDuplicates(nameof(WidgetBatchConsumer));

        var bus = _producer.Host.Services.GetRequiredService<IBus>();
        var widgets = Enumerable.Range(0, 200)
            .Select(i => (Message: new WidgetCreated { WidgetId = Guid.NewGuid(), Sequence = i == 100 ? WidgetBatchConsumer.FailOnce : i }, Id: NewId.NextGuid()))
            .ToList();
        // Every tenth message is published twice with its id, the second right after the first: in the same batch,
        // MassTransit's collector keeps one; in the next, the inbox drops it.
        var repeated = widgets.Where(w => w.Message.Sequence % 10 == 0).ToList();
        var published = new List<Task>();
        foreach (var (message, id) in widgets)
        {
            published.Add(bus.Publish(message, context => context.MessageId = id));
            if (message.Sequence % 10 == 0)
            {
                published.Add(bus.Publish(message, context => context.MessageId = id));
            }
        }
        await Task.WhenAll(published);
        await Eventually.Until(_consumer.AppliedCountAsync, n => n >= 200, TimeSpan.FromMinutes(2), "200 applied widgets");
        var droppedInTheBurst = dropped.Dropped;
        Assert.InRange(droppedInTheBurst, 0, repeated.Count);

        // Once every message is applied, each repeat is a redelivery the inbox drops, and counts.
        foreach (var (message, id) in repeated)
        {
            await bus.Publish(message, context => context.MessageId = id);
        }
        await Eventually.Until(() => Task.FromResult(dropped.Dropped), n => n >= droppedInTheBurst + repeated.Count,
            TimeSpan.FromMinutes(2), $"{repeated.Count} redeliveries dropped");

        var applied = await _consumer.WithDbAsync(db => db.Applied.ToListAsync());
        Assert.Equal(widgets.Select(w => w.Message.WidgetId).Order(), applied.Select(a => a.Id).Order());
        Assert.All(applied, a => Assert.Equal(1, a.Times));
        var ids = widgets.Select(w => w.Id).ToList();
        Assert.Equal(200, await _consumer.WithDbAsync(db => db.Inbox.CountAsync(m => ids.Contains(m.MessageId))));
        Assert.Equal(droppedInTheBurst + repeated.Count, dropped.Dropped);
        var mine = widgets.Select(w => w.Message.WidgetId).ToHashSet();
        var batches = WidgetBatchConsumer.Batches.Select(b => b.Count(mine.Contains)).Where(n => n > 0).ToList();
        Assert.Contains(batches, size => size > 1); // a burst really came in batches
        Assert.Equal(200, batches.Sum()); // each message handled once: the failed attempt's batch not counted, its retry was
        Assert.True(WidgetBatchConsumer.FailedOnce);
    }

    [Fact]
    public async Task A_message_that_can_never_be_applied_goes_to_the_error_queue_alone_and_the_rest_of_its_batch_is_applied()
    {
        var bus = _producer.Host.Services.GetRequiredService<IBus>();
        var widgets = Enumerable.Range(0, 30)
            .Select(i => new WidgetCreated { WidgetId = Guid.NewGuid(), Sequence = i == 15 ? WidgetBatchConsumer.AlwaysFails : 1000 + i })
            .ToList();
        await Task.WhenAll(widgets.Select(w => bus.Publish(w)));

        var good = widgets.Where(w => w.Sequence != WidgetBatchConsumer.AlwaysFails).Select(w => w.WidgetId).ToList();
        await Eventually.Until(() => _consumer.WithDbAsync(db => db.Applied.CountAsync(a => good.Contains(a.Id))), n => n == good.Count,
            TimeSpan.FromMinutes(2), "the 29 widgets that can be applied");
        // After its retries, the batch fails: the poison message is moved to the error queue, and the others, each applied
        // alone and committed, are acknowledged at the same moment. A marker applied after that says the moves are done.
        await using var connection = await new ConnectionFactory { Uri = servers.RabbitMq.AmqpUri }.CreateConnectionAsync();
        async Task<uint> ParkedAsync()
        {
            await using var look = await connection.CreateChannelAsync();
            try
            {
                return (await look.QueueDeclarePassiveAsync(_consumer.ConsumerQueue + "_error")).MessageCount;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                return 0; // no error queue yet
            }
        }
        await Eventually.Until(ParkedAsync, n => n >= 1, TimeSpan.FromMinutes(2), "the poison message in the error queue");
        var marker = new WidgetCreated { WidgetId = Guid.NewGuid(), Sequence = 2000 };
        await bus.Publish(marker);
        await Eventually.Until(() => _consumer.WithDbAsync(db => db.Applied.AnyAsync(a => a.Id == marker.WidgetId)), found => found, TimeSpan.FromMinutes(2), "the marker");

        Assert.Equal(1u, await ParkedAsync());
        var applied = await _consumer.WithDbAsync(db => db.Applied.ToListAsync());
        Assert.DoesNotContain(applied, a => a.Id == widgets[15].WidgetId);
        Assert.All(applied, a => Assert.Equal(1, a.Times));
        Assert.Equal(good.Count + 1, applied.Count);
    }
}
