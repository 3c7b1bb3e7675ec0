using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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

    private readonly OutboxOptions _options = options.Value;
    private DateTimeOffset _nextCleanup;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
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

    /// <summary>
    /// Claims one batch and publishes it in order. Returns how many rows were claimed and how many were
    /// handled: sent, or parked because they can never be sent.
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
            .ToListAsync(cancellationToken);

        var published = 0;
        foreach (var row in batch)
        {
            if (!await TryPublishAsync(row, cancellationToken))
            {
                break; // keep order: the rest waits for the broker too
            }
            published++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Sent.Add(batch.Count(r => r.SentAt is not null)); // every claimed row was unsent
        return (batch.Count, published);
    }

    private async Task<bool> TryPublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        row.Attempts++;
        object message;
        Type type;
        try
        {
            message = row.Deserialize(out type);
        }
        catch (OutboxPoisonException ex)
        {
            row.FailedAt = clock.GetUtcNow();
            row.LastError = ex.Message;
            LogPoisoned(row.Id, row.MessageType, ex.Message);
            return true;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        try
        {
            await bus.Publish(message, type, context => context.MessageId = row.MessageId, timeout.Token);
            row.SentAt = clock.GetUtcNow();
            row.LastError = null;
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            row.LastError = Truncate(ex.Message, 2000);
            Failures.Add(1);
            LogPublishFailed(row.Id, row.Attempts, ex.Message);
            return false;
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {Id} not published (attempt {Attempt}): {Error}")]
    private partial void LogPublishFailed(long id, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {Id} of type {Type} can never be published and was parked: {Error}")]
    private partial void LogPoisoned(long id, string type, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed ({Failures} in a row); retrying")]
    private partial void LogDispatchFailed(Exception ex, int failures);
}
