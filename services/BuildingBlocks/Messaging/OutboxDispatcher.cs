using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PocDirectory.BuildingBlocks.Persistence;

namespace PocDirectory.BuildingBlocks.Messaging;

/// <summary>
/// Relays committed outbox rows to RabbitMQ. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so
/// replicas share the work without sending a row twice at once; a row is marked sent only after the
/// broker confirmed it. A failed publish keeps the row and retries with backoff until the broker is
/// back. A crash between the confirm and the commit resends the row with the same message id, which
/// the consumers' inboxes drop: delivery is at least once, effect exactly once.
/// </summary>
public sealed partial class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService where TContext : DbContext
{
    private static readonly Meter Meter = new("PocDirectory.Outbox");
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("outbox.messages.sent");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("outbox.publish.failures");

    // What waits to be published, as each dispatcher of the process last measured it (every few seconds, whether the broker
    // answers or not): the operations team is told when the oldest row grows old.
    // The oldest row's instant is kept, not its age: a measurement that fails leaves the age growing, as it does.
    private static readonly ConcurrentDictionary<OutboxDispatcher<TContext>, (long Count, DateTimeOffset? OldestAt, TimeProvider Clock)> Measured = new();

    private static readonly ObservableGauge<long> Backlog = Meter.CreateObservableGauge("outbox.backlog",
        () => Measured.IsEmpty ? 0 : Measured.Values.Max(m => m.Count), "{message}", "Outbox rows committed and not yet published");

    private static readonly ObservableGauge<double> OldestAge = Meter.CreateObservableGauge("outbox.oldest.age",
        () => Measured.IsEmpty ? 0 : Measured.Values.Max(m => m.OldestAt is { } at ? Math.Max(0, (m.Clock.GetUtcNow() - at).TotalSeconds) : 0),
        "s", "Age of the oldest outbox row not yet published (0 when none waits)");

    private static readonly TimeSpan MeasureEvery = TimeSpan.FromSeconds(5);

    private readonly OutboxOptions _options = options.Value;
    private DateTimeOffset _nextCleanup;
    private DateTimeOffset _nextMeasure;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await MeasureBacklogAsync(stoppingToken);
                var (claimed, published) = await DispatchBatchAsync(stoppingToken);
                failures = published < claimed ? failures + 1 : 0;
                if (failures > 0)
                {
                    await Task.Delay(_options.RetryDelay(failures), clock, stoppingToken);
                    continue;
                }
                if (claimed == _options.BatchSize)
                {
                    continue; // more is waiting
                }
                await CleanupIfDueAsync(stoppingToken);
                await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database is unreachable or the claim failed: nothing was lost, try again later.
                failures++;
                LogDispatchFailed(ex, failures);
                try
                {
                    await Task.Delay(_options.RetryDelay(failures), clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public override void Dispose()
    {
        Measured.TryRemove(this, out _);
        base.Dispose();
    }

    /// <summary>The backlog and the age of its oldest row, read at most every few seconds; a failed read leaves the last values.</summary>
    private async Task MeasureBacklogAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < _nextMeasure)
        {
            return;
        }
        _nextMeasure = now + MeasureEvery;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var pending = scope.ServiceProvider.GetRequiredService<TContext>().Set<OutboxMessage>().AsNoTracking().Where(m => m.SentAt == null && m.FailedAt == null);
            // The first pending row by id, as the dispatcher claims them (the pending rows' index), is the oldest.
            var oldest = await pending.OrderBy(m => m.Id).Select(m => (DateTimeOffset?)m.OccurredAt).FirstOrDefaultAsync(cancellationToken);
            var count = oldest is null ? 0 : await pending.CountAsync(cancellationToken);
            Measured[this] = (count, oldest, clock);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogMeasureFailed(ex);
        }
    }

    /// <summary>
    /// Claims one batch and publishes it pipelined: every row's publish is issued in row order on the
    /// bus's channel without waiting for the previous confirmation, then the broker's confirmations are
    /// awaited together (as MassTransit's own PublishBatch does). A row is marked sent only once its
    /// own confirmation arrived; a row whose publish failed stays unsent and is retried, so after a
    /// broker fault a later row may arrive before an earlier one (consumers order by their data, not
    /// by arrival). Returns how many rows were claimed and how many were handled: sent, or parked
    /// because they can never be sent.
    /// </summary>
    public async Task<(int Claimed, int Published)> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var batch = await db.Set<OutboxMessage>()
            .FromSql($"""
                SELECT * FROM outbox_messages
                WHERE sent_at IS NULL AND failed_at IS NULL
                ORDER BY id
                LIMIT {_options.BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(m => m.Id)
            .ToListAsync(cancellationToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        var handled = 0;
        var publishing = new List<(OutboxMessage Row, Task Confirmed)>(batch.Count);
        foreach (var row in batch)
        {
            row.Attempts++;
            if (TryDeserialize(row, out var message, out var type))
            {
                publishing.Add((row, PublishAsync(row, message, type, timeout.Token)));
            }
            else
            {
                handled++; // parked
            }
        }

        try
        {
            await Task.WhenAll(publishing.Select(p => p.Confirmed));
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Each row's own outcome is read below.
        }
        cancellationToken.ThrowIfCancellationRequested(); // stopping: nothing is marked, the rows go out again later
        var sent = 0;
        string? firstError = null;
        foreach (var (row, confirmed) in publishing)
        {
            if (confirmed.IsCompletedSuccessfully)
            {
                row.MarkSent(clock.GetUtcNow());
                row.LastError = null;
                sent++;
                continue;
            }
            var error = confirmed.Exception?.InnerException?.Message ?? "The broker did not confirm in time.";
            row.LastError = Truncate(error, 2000);
            firstError ??= error;
        }
        if (firstError is not null)
        {
            // One line per batch, not per row: during a broker outage every row of every attempt fails.
            var failed = publishing.Count - sent;
            Failures.Add(failed);
            LogPublishFailed(failed, publishing.Count, batch[0].Id, batch[0].Attempts, firstError);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Sent.Add(sent);
        return (batch.Count, handled + sent);
    }

    private bool TryDeserialize(OutboxMessage row, out object message, out Type type)
    {
        try
        {
            message = row.Deserialize(out type);
            return true;
        }
        catch (OutboxPoisonException ex)
        {
            row.FailedAt = clock.GetUtcNow();
            row.LastError = ex.Message;
            LogPoisoned(row.Id, row.MessageType, ex.Message);
            message = null!;
            type = null!;
            return false;
        }
    }

    /// <summary>The relay's spans: each event's publish joins the trace of the change that caused it.</summary>
    internal static readonly ActivitySource Relay = new("PocDirectory.Outbox");

    private async Task PublishAsync(OutboxMessage row, object message, Type type, CancellationToken cancellationToken)
    {
        var messageId = row.MessageId;
        // MassTransit's send span, and through the message's headers its consumers', are children of this one.
        using var activity = ActivityContext.TryParse(row.TraceParent, null, out var parent)
            ? Relay.StartActivity("outbox relay", ActivityKind.Internal, parent)
            : null;
        activity?.SetTag("messaging.message.id", messageId.ToString());
        await bus.Publish(message, type, context => context.MessageId = messageId, cancellationToken);
    }

    private async Task CleanupIfDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < _nextCleanup)
        {
            return;
        }
        _nextCleanup = now.AddHours(1);
        var cutoff = now - _options.Retention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Set<OutboxMessage>().Where(m => m.SentAt != null && m.SentAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        await db.Set<InboxMessage>().Where(m => m.ProcessedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failed} of {Count} outbox messages from {FirstId} not published (attempt {Attempt}): {Error}")]
    private partial void LogPublishFailed(int failed, int count, long firstId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {Id} of type {Type} can never be published and was parked: {Error}")]
    private partial void LogPoisoned(long id, string type, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The outbox backlog could not be measured; the last values stand")]
    private partial void LogMeasureFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed ({Failures} in a row); retrying")]
    private partial void LogDispatchFailed(Exception ex, int failures);
}
