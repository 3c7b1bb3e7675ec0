using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Messaging;

/// <summary>
/// When the dispatcher is woken: exactly when new outbox rows become visible to it. A wake-up after
/// any other save would make the dispatcher, which saves too, wake itself without end.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class OutboxSignalTests(ServersFixture servers) : IAsyncLifetime
{
    private readonly OutboxSignal _signal = new();
    private DbContextOptions<TestDbContext> _options = null!;

    public async Task InitializeAsync()
    {
        _options = new DbContextOptionsBuilder<TestDbContext>()
            .UseNpgsql(await servers.CreateDatabaseAsync("signal"))
            .AddInterceptors(new OutboxSignalInterceptor(_signal))
            .Options;
        await using var db = new TestDbContext(_options);
        await db.Database.EnsureCreatedAsync();
        await Drain();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_save_that_adds_an_event_wakes_the_dispatcher()
    {
        await using var db = new TestDbContext(_options);
        AddWidgetWithEvent(db);
        await db.SaveChangesAsync();

        Assert.True(await Signalled());
        Assert.False(await Signalled()); // once
    }

    [Fact]
    public async Task A_save_without_events_does_not_wake_the_dispatcher()
    {
        await using var db = new TestDbContext(_options);
        db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Sequence = 1 });
        await db.SaveChangesAsync();

        Assert.False(await Signalled());
    }

    [Fact]
    public async Task Marking_rows_sent_as_the_dispatcher_does_wakes_nobody()
    {
        await using (var db = new TestDbContext(_options))
        {
            AddWidgetWithEvent(db);
            await db.SaveChangesAsync();
        }
        await Drain();

        await using (var db = new TestDbContext(_options))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var rows = await db.Outbox.Where(m => m.SentAt == null).ToListAsync();
            Assert.NotEmpty(rows);
            rows.ForEach(r => db.Entry(r).Property(m => m.SentAt).CurrentValue = DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        Assert.False(await Signalled());
    }

    [Fact]
    public async Task Events_saved_in_a_transaction_wake_the_dispatcher_at_the_commit_not_before()
    {
        await using var db = new TestDbContext(_options);
        await using var transaction = await db.Database.BeginTransactionAsync();
        AddWidgetWithEvent(db);
        await db.SaveChangesAsync();

        Assert.False(await Signalled()); // still invisible to the dispatcher

        await transaction.CommitAsync();
        Assert.True(await Signalled());
    }

    [Fact]
    public async Task Events_of_a_rolled_back_transaction_wake_nobody_then_or_later()
    {
        await using var db = new TestDbContext(_options);
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            AddWidgetWithEvent(db);
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }
        db.ChangeTracker.Clear();

        // A later change of the same context without events does not carry the old ones' signal.
        db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Sequence = 2 });
        await db.SaveChangesAsync();

        Assert.False(await Signalled());
    }

    private static void AddWidgetWithEvent(TestDbContext db)
    {
        var id = Guid.NewGuid();
        db.Widgets.Add(new Widget { Id = id, Sequence = 0 });
        db.AddIntegrationEvent(new WidgetCreated { WidgetId = id, Sequence = 0 });
    }

    private Task<bool> Signalled() => _signal.WaitAsync(TimeSpan.Zero, CancellationToken.None);

    private async Task Drain()
    {
        while (await Signalled())
        {
        }
    }
}
