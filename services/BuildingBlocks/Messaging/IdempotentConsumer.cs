using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace PocDirectory.BuildingBlocks.Messaging;

/// <summary>
/// A consumer that applies each message at most once. The inbox row, the handler's changes and the
/// events it stores in the outbox commit in one transaction: a redelivered message finds its inbox row
/// and is acknowledged without effect; a handler that throws leaves nothing behind and the message is
/// retried, then moved to the error queue.
/// </summary>
// Hand-written: MassTransit's own EF Core inbox (MassTransit.EntityFrameworkCore) is not in the package registry.
public abstract class IdempotentConsumer<TMessage, TContext>(TContext db) : IConsumer<TMessage>
    where TMessage : class
    where TContext : DbContext
{
    protected TContext Db { get; } = db;

    /// <summary>The message being handled, with its headers (who sent it), while <see cref="HandleAsync"/> runs.</summary>
    protected ConsumeContext<TMessage>? Current { get; private set; }

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id.");
        var consumer = GetType().FullName!;
        InboxMetrics.Started(GetType());
        var cancellationToken = context.CancellationToken;

        Db.ChangeTracker.Clear(); // a retry must not see a failed attempt's entities
        await using var transaction = await Db.Database.BeginTransactionAsync(cancellationToken);

        if ((await Inbox.ClaimAsync(Db, [messageId], consumer, cancellationToken)).Count == 0)
        {
            InboxMetrics.Dropped(GetType());
            return;
        }

        Current = context;
        await HandleAsync(context.Message, cancellationToken);
        await Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterCommitAsync(context.Message, cancellationToken);
    }

    /// <summary>
    /// Runs once the message's changes are committed, before it is acknowledged (e.g. to tell caches).
    /// If it throws, the message is redelivered and finds its inbox row: it must not be needed for correctness.
    /// </summary>
    protected virtual Task AfterCommitAsync(TMessage message, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies the message through <see cref="Db"/>; do not call SaveChanges.</summary>
    protected abstract Task HandleAsync(TMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// The inboxes' count of the duplicates they drop (<c>inbox.duplicates</c>), one series per consumer class, each started
/// at 0 when its consumer first runs: a first duplicate is then an increase Prometheus sees, not a series born at 1.
/// </summary>
internal static class InboxMetrics
{
    private static readonly Meter Meter = new("PocDirectory.Inbox");

    private static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("inbox.duplicates", "{message}",
        "Messages a consumer had applied already, acknowledged without effect (a redelivery, a publish repeated)");

    private static readonly ConcurrentDictionary<Type, bool> Seen = new();

    public static void Started(Type consumer)
    {
        if (Seen.TryAdd(consumer, true))
        {
            Duplicates.Add(0, Tag(consumer));
        }
    }

    public static void Dropped(Type consumer, int count = 1) => Duplicates.Add(count, Tag(consumer));

    private static KeyValuePair<string, object?> Tag(Type consumer) => new("consumer", consumer.Name);
}
