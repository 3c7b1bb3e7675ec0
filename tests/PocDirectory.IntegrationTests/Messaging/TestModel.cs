using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;

namespace PocDirectory.IntegrationTests.Messaging;

/// <summary>The event the test producer stores with each widget it creates.</summary>
public sealed record WidgetCreated
{
    public required Guid WidgetId { get; init; }
    public required int Sequence { get; init; }
}

public sealed class Widget
{
    public Guid Id { get; set; }
    public int Sequence { get; set; }
}

/// <summary>How many times the consumer applied the event of one widget: exactly once is the goal.</summary>
public sealed class AppliedWidget
{
    public Guid Id { get; set; }
    public int Times { get; set; }
}

public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options)
{
    public DbSet<Widget> Widgets => Set<Widget>();
    public DbSet<AppliedWidget> Applied => Set<AppliedWidget>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<InboxMessage> Inbox => Set<InboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<Widget>().ToTable("widgets");
        modelBuilder.Entity<AppliedWidget>().ToTable("applied_widgets");
    }
}

/// <summary>Counts applications without any guard of its own: only the inbox prevents a second one.</summary>
public sealed class WidgetCreatedConsumer(TestDbContext db) : IdempotentConsumer<WidgetCreated, TestDbContext>(db)
{
    protected override async Task HandleAsync(WidgetCreated message, CancellationToken cancellationToken)
    {
        var applied = await Db.Applied.FindAsync([message.WidgetId], cancellationToken);
        if (applied is null)
        {
            Db.Applied.Add(new AppliedWidget { Id = message.WidgetId, Times = 1 });
        }
        else
        {
            applied.Times++;
        }
    }
}

/// <summary>
/// Counts applications in batches, without any guard of its own: only the inbox prevents a second one. Fails its
/// first attempt at a batch holding the widget numbered <see cref="FailOnce"/>, after writing its changes, and every
/// attempt at one holding <see cref="AlwaysFails"/>.
/// </summary>
public sealed class WidgetBatchConsumer(TestDbContext db) : IdempotentBatchConsumer<WidgetCreated, TestDbContext>(db)
{
    public const int FailOnce = -7;

    public const int AlwaysFails = -9;

    private static int _failed;

    /// <summary>Whether the attempt meant to fail once did.</summary>
    public static bool FailedOnce => Volatile.Read(ref _failed) == 1;

    /// <summary>The widgets of each batch the handler applied.</summary>
    public static ConcurrentQueue<Guid[]> Batches { get; } = new();

    /// <summary>Batches of up to 50, given half a second to fill, so a burst arrives as a few.</summary>
    public static void Options(BatchOptions options) =>
        options.SetMessageLimit(50).SetTimeLimit(TimeSpan.FromMilliseconds(500)).SetConcurrencyLimit(1);

    protected override async Task HandleAsync(IReadOnlyList<ConsumeContext<WidgetCreated>> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages.Select(m => m.Message))
        {
            var applied = await Db.Applied.FindAsync([message.WidgetId], cancellationToken);
            if (applied is null)
            {
                Db.Applied.Add(new AppliedWidget { Id = message.WidgetId, Times = 1 });
            }
            else
            {
                applied.Times++;
            }
        }
        if (messages.Any(m => m.Message.Sequence == AlwaysFails))
        {
            throw new InvalidOperationException("A widget this consumer can never apply.");
        }
        if (messages.Any(m => m.Message.Sequence == FailOnce) && Interlocked.Exchange(ref _failed, 1) == 0)
        {
            await Db.SaveChangesAsync(cancellationToken); // written, then rolled back with the inbox rows
            throw new InvalidOperationException("The first attempt at this batch fails.");
        }
        Batches.Enqueue(messages.Select(m => m.Message.WidgetId).ToArray());
    }
}

/// <summary>
/// The operations team's count of duplicates an inbox dropped (<c>inbox.duplicates</c>) for one consumer class, as an
/// exporter reads it, from its creation on.
/// </summary>
public sealed class InboxDuplicates : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener;
    private long _dropped;

    public InboxDuplicates(string consumer)
    {
        _listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "PocDirectory.Inbox" && instrument.Name == "inbox.duplicates")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "consumer" && tag.Value as string == consumer)
                {
                    Interlocked.Add(ref _dropped, value);
                }
            }
        });
        _listener.Start();
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Dispose() => _listener.Dispose();
}
