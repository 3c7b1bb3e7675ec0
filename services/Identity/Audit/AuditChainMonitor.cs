using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Audit;

/// <summary>
/// Verifies the audit chain against its checkpoints every <c>Audit:VerifySeconds</c> (900) as the verification
/// endpoint does, and says what it found as metrics, for the operations team's alerts (AuditChainBroken,
/// AuditChainUnverified): <c>audit.chain.intact</c> (1 or 0, once verified) and <c>audit.chain.verification.age</c>
/// (since the last verification that ran to its end). What was wrong is in the log, never in a metric.
/// </summary>
public sealed partial class AuditChainMonitor(
    IServiceScopeFactory scopes, AuditCheckpointFile file, AuditChainKey key, IConfiguration configuration, TimeProvider clock,
    ILogger<AuditChainMonitor> logger) : BackgroundService
{
    private static readonly Meter Meter = new("PocDirectory.Audit");

    // Every monitor running in the process (one, but for tests that run several hosts in one).
    private static readonly ConcurrentDictionary<AuditChainMonitor, byte> Running = new();

    private static readonly ObservableGauge<int> IntactGauge = Meter.CreateObservableGauge("audit.chain.intact",
        () => Running.Keys.Where(m => m.Intact is not null).Select(m => m.Intact == true ? 1 : 0).DefaultIfEmpty(-1).Min() is var intact and >= 0
            ? [new Measurement<int>(intact)] : Array.Empty<Measurement<int>>(),
        "{chain}", "1 when the audit chain verified against its checkpoints, 0 when it did not");

    private static readonly ObservableGauge<double> AgeGauge = Meter.CreateObservableGauge("audit.chain.verification.age",
        () => Running.Keys.Select(m => m.SecondsSinceVerified).ToArray() is { Length: > 0 } ages ? [new Measurement<double>(ages.Max())] : Array.Empty<Measurement<double>>(),
        "s", "Time since the audit chain was last verified to its end (since the process started, before the first)");

    private readonly TimeSpan _interval = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Audit:VerifySeconds", 900.0)));

    private readonly long _startedAtTicks = clock.GetUtcNow().UtcTicks;
    private long _verifiedAtTicks;
    private volatile int _intact = -1;

    /// <summary>What the last verification found: true intact, false not, null before the first ran to its end.</summary>
    public bool? Intact => _intact switch { 1 => true, 0 => false, _ => null };

    /// <summary>Seconds since the last verification ran to its end (since this monitor was made, before the first).</summary>
    public double SecondsSinceVerified =>
        Math.Max(0, (clock.GetUtcNow() - new DateTimeOffset(Math.Max(Interlocked.Read(ref _verifiedAtTicks), _startedAtTicks), TimeSpan.Zero)).TotalSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Running.TryAdd(this, 0);
        try
        {
            using var timer = new PeriodicTimer(_interval, clock);
            do
            {
                try
                {
                    await VerifyOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(ex); // the verification's age grows: AuditChainUnverified tells
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Running.TryRemove(this, out _);
        }
    }

    /// <summary>Verifies once and records the outcome; returns it.</summary>
    public async Task<AuditVerification> VerifyOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var result = await AuditLog.VerifyAsync(scope.ServiceProvider.GetRequiredService<PocIdentityDbContext>(), key.Bytes, file, ct);
        _intact = result.Intact ? 1 : 0;
        Interlocked.Exchange(ref _verifiedAtTicks, clock.GetUtcNow().UtcTicks);
        if (!result.Intact)
        {
            LogBroken(result.BrokenAt, result.Problem);
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The audit chain does not verify (record {BrokenAt}): {Problem}")]
    private partial void LogBroken(long? brokenAt, string? problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit chain could not be verified; trying again at the next interval")]
    private partial void LogFailed(Exception ex);
}
