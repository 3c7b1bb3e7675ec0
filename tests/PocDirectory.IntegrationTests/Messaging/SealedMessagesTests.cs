using System.Text;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace PocDirectory.IntegrationTests.Messaging;

/// <summary>
/// What someone who can read the broker sees, on a real RabbitMQ: sealed bodies that name nothing, and
/// nothing they write without the key is ever handled.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SealedMessagesTests(ServersFixture servers) : ProducerConsumerTest(servers)
{
    [Fact]
    public async Task A_message_on_the_broker_is_sealed_and_names_nothing_it_carries()
    {
        // A queue of the reader's own, bound to the message type's exchange: it receives a copy of every widget event.
        await using var connection = await new ConnectionFactory { Uri = Servers.RabbitMq.AmqpUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var exchange = MessageUrn.ForTypeString<WidgetCreated>().Replace("urn:message:", "", StringComparison.Ordinal);
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
        var queue = (await channel.QueueDeclareAsync(exclusive: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "");

        var widget = new WidgetCreated { WidgetId = Guid.NewGuid(), Sequence = 424242 };
        await Producer.Host.Services.GetRequiredService<IBus>().Publish(widget);

        var copy = await Eventually.Until(() => channel.BasicGetAsync(queue, autoAck: true), got => got is not null, Patience, "the copy of the message");
        Assert.Equal("application/vnd.pocdir.sealed+json", copy!.BasicProperties.ContentType);
        var body = copy.Body.ToArray();
        foreach (var visible in new[] { widget.WidgetId.ToString(), "424242", "WidgetCreated", "widgetId", "messageType" })
        {
            Assert.DoesNotContain(visible, Encoding.UTF8.GetString(body), StringComparison.OrdinalIgnoreCase);
        }
        // And the consumer, holding the key, got it whole.
        await Eventually.Until(() => Consumer.WithDbAsync(db => db.Applied.AnyAsync(a => a.Id == widget.WidgetId)), found => found, Patience, "the widget applied");
    }

    [Fact]
    public async Task A_message_written_without_the_key_is_never_handled()
    {
        // Someone with the broker's credentials writes a well-formed MassTransit message in plain JSON, and one
        // sealed under another key, straight into the consumer's queue.
        await using var connection = await new ConnectionFactory { Uri = Servers.RabbitMq.AmqpUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = Consumer.ConsumerQueue;
        var forgedPlain = Guid.NewGuid();
        var forgedSealed = Guid.NewGuid();
        var plain = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new
        {
            messageId = NewId.NextGuid(),
            messageType = new[] { MessageUrn.ForTypeString<WidgetCreated>() },
            message = new { widgetId = forgedPlain, sequence = 1 },
        }));
        await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = NewId.NextGuid().ToString() }, plain);
        var otherKey = new SealedJsonSerializer(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var sealedElsewhere = otherKey.Seal(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(plain).Replace(forgedPlain.ToString(), forgedSealed.ToString(), StringComparison.Ordinal)));
        await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { ContentType = "application/vnd.pocdir.sealed+json", MessageId = NewId.NextGuid().ToString() }, sealedElsewhere);

        // A genuine message after them: the consumer takes one at a time, so once it is applied the forged ones were seen.
        var marker = new WidgetCreated { WidgetId = Guid.NewGuid(), Sequence = 2 };
        await Producer.Host.Services.GetRequiredService<IBus>().Publish(marker);
        await Eventually.Until(() => Consumer.WithDbAsync(db => db.Applied.AnyAsync(a => a.Id == marker.WidgetId)), found => found, Patience, "the marker");

        Assert.False(await Consumer.WithDbAsync(db => db.Applied.AnyAsync(a => a.Id == forgedPlain || a.Id == forgedSealed)));
        // They were set aside, not lost from sight: an operator finds them in the queue's error or skipped queue.
        // Moving a message there is a publish of its own, which the queue's count shows a moment after the next
        // message is handled, so the count is awaited rather than read once.
        async Task<uint> SetAsideAsync()
        {
            var setAside = 0u;
            foreach (var aside in new[] { queue + "_error", queue + "_skipped" })
            {
                await using var look = await connection.CreateChannelAsync(); // a passive declare of a missing queue closes its channel
                try
                {
                    setAside += (await look.QueueDeclarePassiveAsync(aside)).MessageCount;
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    // no such queue: nothing set aside there
                }
            }
            return setAside;
        }
        Assert.Equal(2u, await Eventually.Until(SetAsideAsync, count => count >= 2, Patience, "both forged messages set aside"));
    }
}
