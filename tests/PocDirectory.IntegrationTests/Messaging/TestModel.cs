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
