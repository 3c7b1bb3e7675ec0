using System.Diagnostics;
using System.Runtime.ExceptionServices;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace PocDirectory.BuildingBlocks.Messaging;

/// <summary>
/// A consumer of MassTransit's <see cref="Batch{T}"/> that applies each message at most once, as
/// <see cref="IdempotentConsumer{TMessage, TContext}"/> does for one: the batch's inbox rows, the
/// handler's changes and the events it stores commit in one transaction. The messages of the batch a
/// consumer applied before (a redelivery, a publish repeated) are left out of what the handler gets. A
/// handler that throws leaves nothing behind; the batch's messages are then applied one by one, so a
/// message that cannot be applied fails alone: MassTransit retries it, then moves it to the error queue,
/// and acknowledges the others. For a consumer whose every message costs a transaction of its own and whose
/// messages come in bursts (one statement and one commit for many).
/// </summary>
public abstract class IdempotentBatchConsumer<TMessage, TContext>(TContext db) : IConsumer<Batch<TMessage>>
    where TMessage : class
    where TContext : DbContext
{
    protected TContext Db { get; } = db;

    public async Task Consume(ConsumeContext<Batch<TMessage>> context)
    {
        InboxMetrics.Started(GetType());
        var cancellationToken = context.CancellationToken;
        // A message applied alone on an earlier attempt at this batch (below) is acknowledged already: not again.
        var pending = context.Message.Where(m => !m.ReceiveContext.IsDelivered).ToList();
        try
        {
            await ApplyAsync(pending, cancellationToken);
        }
        catch (Exception ex) when (pending.Count > 1 && !cancellationToken.IsCancellationRequested && !Unavailable(ex))
        {
            // One message the handler cannot apply must not hold back the others (nor take them to the error queue
            // with it): each is applied alone and acknowledged once committed. Only what fails alone fails the batch,
            // which MassTransit retries, then moves to the error queue; the others are acknowledged as delivered.
            // (The database away is no message's fault: that batch is retried whole, above, not tried message by message.)
            // The kind of error only: a message's values (and an exception's words about them) stay out of the logs.
            LogContext.Warning?.Log("A batch of {Count} {Message} failed ({Error}); each is applied alone", pending.Count, typeof(TMessage).Name, ex.GetType().Name);
            ExceptionDispatchInfo? failure = null;
            foreach (var message in pending)
            {
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    await ApplyAsync([message], cancellationToken);
                    await message.NotifyConsumed(message, Stopwatch.GetElapsedTime(started), GetType().Name);
                }
                catch (Exception alone) when (!cancellationToken.IsCancellationRequested)
                {
                    failure ??= ExceptionDispatchInfo.Capture(alone);
                }
            }
            failure?.Throw();
        }
    }

    /// <summary>The database unreachable or timing out: every message would fail alone too, each after its own wait.</summary>
    private static bool Unavailable(Exception ex) =>
        ex is TimeoutException or Npgsql.NpgsqlException { IsTransient: true } || ex.InnerException is { } inner && Unavailable(inner);

    /// <summary>Claims the messages' inbox rows and applies the new ones, in one transaction.</summary>
    private async Task ApplyAsync(IReadOnlyList<ConsumeContext<TMessage>> batch, CancellationToken cancellationToken)
    {
        var consumer = GetType().FullName!;
        var ids = new List<Guid>(batch.Count);
        foreach (var message in batch)
        {
            ids.Add(message.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id."));
        }

        Db.ChangeTracker.Clear(); // a retry must not see a failed attempt's entities
        await using var transaction = await Db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await Inbox.ClaimAsync(Db, ids, consumer, cancellationToken);

        // The batch's own order, each message once (MassTransit's collector already keeps one of two with an id).
        var fresh = new List<ConsumeContext<TMessage>>(claimed.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (claimed.Remove(ids[i]))
            {
                fresh.Add(batch[i]);
            }
        }
        if (fresh.Count > 0)
        {
            await HandleAsync(fresh, cancellationToken);
            await Db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        if (batch.Count > fresh.Count)
        {
            InboxMetrics.Dropped(GetType(), batch.Count - fresh.Count);
        }
    }

    /// <summary>
    /// Applies the messages not applied before, in the order they arrived, through <see cref="Db"/>; do not call
    /// SaveChanges. Each context has the message's headers (who sent it).
    /// </summary>
    protected abstract Task HandleAsync(IReadOnlyList<ConsumeContext<TMessage>> messages, CancellationToken cancellationToken);
}
