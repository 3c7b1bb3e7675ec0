using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PocDirectory.BuildingBlocks.Persistence;

/// <summary>
/// A worker for deadlines kept as rows in the service's database (reminders, lapses, windows,
/// schedules): every <see cref="Interval"/> it runs <see cref="RunOnceAsync"/> until a round handles
/// fewer than <see cref="Batch"/>. Each round claims its due rows with <c>FOR UPDATE SKIP LOCKED</c>,
/// so with several replicas each deadline fires once, and after a restart nothing due is missed. A
/// failed round is logged and tried again at the next interval. Time is the injected clock, so tests
/// drive <see cref="RunOnceAsync"/> with a fake one.
/// </summary>
public abstract partial class DeadlineWorker(TimeProvider clock, ILogger logger) : BackgroundService
{
    private static readonly Meter Meter = new("PocDirectory.Deadlines");

    private static readonly Histogram<double> Lag = Meter.CreateHistogram<double>("deadline.lag", "s",
        "How late a due row was claimed: from the instant it was due to the claim", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
        });

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("deadline.failures", "{round}", "Rounds of a deadline worker that failed and are tried again");

    /// <summary>Records how late a row due at <paramref name="dueAt"/> is claimed, for the operations team's alert on late deadlines.</summary>
    protected void Claimed(DateTimeOffset dueAt) =>
        Lag.Record(Math.Max(0, (Clock.GetUtcNow() - dueAt).TotalSeconds), new KeyValuePair<string, object?>("worker", GetType().Name));

    /// <summary>The clock every deadline is measured by.</summary>
    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    /// <summary>The most rows one round claims.</summary>
    protected abstract int Batch { get; }

    /// <summary>How long to wait once nothing more is due.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>Handles up to one batch of what is due; returns how many.</summary>
    public abstract Task<int> RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The series exists from the start, at 0, so that the first failures count as an increase.
        Failures.Add(0, new KeyValuePair<string, object?>("worker", GetType().Name));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) >= Batch)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(GetType().Name, ex);
                Failures.Add(1, new KeyValuePair<string, object?>("worker", GetType().Name));
            }
            await Task.Delay(Interval, Clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Worker}: handling what is due failed; trying again later")]
    private partial void LogFailed(string worker, Exception ex);
}
