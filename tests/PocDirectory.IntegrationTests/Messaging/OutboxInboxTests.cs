using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Messaging;

[Collection(ServersCollection.Name)]
public sealed class OutboxInboxTests(ServersFixture servers) : ProducerConsumerTest(servers)
{
    [Fact]
    public void The_bus_never_reports_its_usage_to_the_vendor()
    {
        // MassTransit's usage telemetry posts to its vendor's host 5 minutes after the bus starts unless disabled;
        // the environment variable it also reads cannot turn it back on.
        var tracker = Producer.Host.Services.GetRequiredService<MassTransit.UsageTracking.IUsageTracker>();
        Assert.False(Assert.IsType<MassTransit.UsageTracking.UsageTracker>(tracker).Enabled);
        Assert.Equal("false", Environment.GetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY"));
    }

    [Fact]
    public async Task Events_committed_with_a_change_reach_theConsumer_exactly_once()
    {
        var ids = await Producer.CreateWidgetsAsync(50);

        await Eventually.Until(Consumer.AppliedCountAsync, n => n >= 50, Patience, "50 applied widgets");

        var applied = await Consumer.WithDbAsync(db => db.Applied.ToListAsync());
        Assert.Equal(ids.Order(), applied.Select(a => a.Id).Order());
        Assert.All(applied, a => Assert.Equal(1, a.Times));
        var unsent = await Producer.WithDbAsync(db => db.Outbox.CountAsync(m => m.SentAt == null));
        Assert.Equal(0, unsent);
        // A sent row keeps its ids and times for operators, not its content.
        var bodies = await Producer.WithDbAsync(db => db.Outbox.Select(m => m.Body).Distinct().ToListAsync());
        Assert.Equal(["{}"], bodies);
    }

    [Fact]
    public async Task Events_of_a_rolled_back_change_are_never_sent()
    {
        var rolledBack = Guid.NewGuid();
        await Producer.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Widgets.Add(new Widget { Id = rolledBack });
            db.AddIntegrationEvent(new WidgetCreated { WidgetId = rolledBack, Sequence = -1 });
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
            return 0;
        });
        var marker = (await Producer.CreateWidgetsAsync(1)).Single();

        // The consumer handles one message at a time, in order: once the marker is applied, anything
        // sent before it would have been applied too.
        await Eventually.Until(() => Consumer.WithDbAsync(db => db.Applied.AnyAsync(a => a.Id == marker)), found => found, Patience, "the marker");
        Assert.False(await Consumer.WithDbAsync(db => db.Applied.AnyAsync(a => a.Id == rolledBack)));
        Assert.False(await Producer.WithDbAsync(db => db.Widgets.AnyAsync(w => w.Id == rolledBack)));
        Assert.Equal(1, await Producer.WithDbAsync(db => db.Outbox.CountAsync()));
    }

    [Fact]
    public async Task A_redelivered_message_is_applied_only_once()
    {
        var bus = Producer.Host.Services.GetRequiredService<IBus>();
        var duplicate = new WidgetCreated { WidgetId = Guid.NewGuid(), Sequence = 1 };
        var messageId = NewId.NextGuid();
        // The operations team's count of duplicates dropped (inbox.duplicates), as an exporter reads it; only this
        // test's consumer publishes this message id twice.
        using var dropped = new InboxDuplicates(nameof(WidgetCreatedConsumer));

        await bus.Publish(duplicate, context => context.MessageId = messageId);
        await bus.Publish(duplicate, context => context.MessageId = messageId);
        var marker = new WidgetCreated { WidgetId = Guid.NewGuid(), Sequence = 2 };
        await bus.Publish(marker);

        await Eventually.Until(() => Consumer.WithDbAsync(db => db.Applied.AnyAsync(a => a.Id == marker.WidgetId)), found => found, Patience, "the marker");
        var applied = await Consumer.WithDbAsync(db => db.Applied.SingleAsync(a => a.Id == duplicate.WidgetId));
        Assert.Equal(1, applied.Times);
        Assert.Equal(1, await Consumer.WithDbAsync(db => db.Inbox.CountAsync(m => m.MessageId == messageId)));
        Assert.Equal(1, dropped.Dropped); // counted once, as it was dropped (one message at a time, before the marker)
    }

    [Fact]
    public async Task A_row_that_can_never_be_sent_is_parked_and_does_not_block_the_rest()
    {
        await Producer.WithDbAsync(async db =>
        {
            var poison = OutboxMessage.Create(new WidgetCreated { WidgetId = Guid.NewGuid(), Sequence = 0 });
            db.Entry(poison).Property(m => m.MessageType).CurrentValue = "PocDirectory.Gone.Event, PocDirectory.Gone";
            db.Outbox.Add(poison);
            return await db.SaveChangesAsync();
        });
        var after = await Producer.CreateWidgetsAsync(3);

        await Eventually.Until(() => Consumer.WithDbAsync(db => db.Applied.CountAsync(a => after.Contains(a.Id))), n => n == 3, Patience, "the rows after the poison one");
        var parked = await Producer.WithDbAsync(db => db.Outbox.SingleAsync(m => m.FailedAt != null));
        Assert.Null(parked.SentAt);
        Assert.Contains("PocDirectory.Gone.Event", parked.LastError);
    }

    /// <summary>
    /// The fault test: RabbitMQ is stopped while changes keep being committed, then started again.
    /// Nothing is lost (every event arrives) and nothing is applied twice.
    /// </summary>
    [Fact]
    public async Task A_broker_outage_loses_nothing_and_duplicates_nothing()
    {
        var before = await Producer.CreateWidgetsAsync(20);
        await Eventually.Until(Consumer.AppliedCountAsync, n => n == 20, Patience, "the first 20 widgets");

        await Servers.RabbitMq.StopAsync();
        List<Guid> during;
        try
        {
            during = await Producer.CreateWidgetsAsync(100, firstSequence: 20);

            // The dispatcher really tried and failed: the rows wait, marked with their attempts.
            await Eventually.Until(
                () => Producer.WithDbAsync(db => db.Outbox.CountAsync(m => m.SentAt == null && m.Attempts > 0)),
                n => n > 0, Patience, "a failed publish attempt");
            Assert.Equal(20, await Consumer.AppliedCountAsync());
            // The operations team's gauges say so while the broker is away: the rows wait, and the oldest grows old.
            var waiting = await Eventually.Until(() => Task.FromResult(OutboxGauges.Read()), g => g.Backlog >= 100 && g.OldestAge >= 1, Patience, "the backlog's gauges");
            Assert.True(waiting.Backlog <= 100, $"the backlog counts only the unpublished rows: {waiting.Backlog}");
        }
        finally
        {
            await Servers.RabbitMq.StartAsync(CancellationToken.None);
        }

        var after = await Producer.CreateWidgetsAsync(10, firstSequence: 120);
        await Eventually.Until(Consumer.AppliedCountAsync, n => n >= 130, TimeSpan.FromMinutes(3), "all 130 widgets after the broker came back");

        var applied = await Consumer.WithDbAsync(db => db.Applied.ToListAsync());
        Assert.Equal(before.Concat(during).Concat(after).Order(), applied.Select(a => a.Id).Order());
        Assert.All(applied, a => Assert.Equal(1, a.Times));
        Assert.Equal(0, await Producer.WithDbAsync(db => db.Outbox.CountAsync(m => m.SentAt == null)));
        await Eventually.Until(() => Task.FromResult(OutboxGauges.Read()), g => g.Backlog == 0 && g.OldestAge == 0, Patience, "the gauges back to nothing waiting");
    }
}

/// <summary>The outbox's gauges as the metrics exporter reads them: the largest value of each in the process.</summary>
internal static class OutboxGauges
{
    public static (long Backlog, double OldestAge) Read()
    {
        long backlog = 0;
        double oldest = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "PocDirectory.Outbox" && instrument.Name is "outbox.backlog" or "outbox.oldest.age")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => backlog = Math.Max(backlog, value));
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => oldest = Math.Max(oldest, value));
        listener.Start();
        listener.RecordObservableInstruments();
        return (backlog, oldest);
    }
}
