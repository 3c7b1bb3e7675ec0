using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PocDirectory.BuildingBlocks.Persistence;

/// <summary>
/// Gauges of a service's own rows (nominations by status, the last ping campaign's replies…): a loop counts them every
/// <c>Metrics:CountSeconds</c> (15 by default) in a scope of its own and keeps the last counts, which the gauges report
/// when Prometheus scrapes; a scrape never waits for the database. Each replica counts the same rows: read them with
/// <c>max</c>, not <c>sum</c>. A count that fails keeps the previous one and is logged; the loop goes on.
/// </summary>
public abstract partial class RowCounts : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly TimeSpan _every;
    private readonly Meter _meter;
    private volatile IReadOnlyDictionary<string, IReadOnlyList<Measurement<long>>> _latest = new Dictionary<string, IReadOnlyList<Measurement<long>>>();

    protected RowCounts(string meterName, IMeterFactory meters, IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger logger)
    {
        _scopes = scopes;
        _clock = clock;
        _logger = logger;
        _every = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Metrics:CountSeconds", 15)));
        _meter = meters.Create(meterName);
    }

    /// <summary>A gauge reporting what <see cref="CountAsync"/> last gave under <paramref name="name"/> (nothing before the first count).</summary>
    protected void Gauge(string name, string unit, string description) =>
        _meter.CreateObservableGauge(name, () => _latest.TryGetValue(name, out var measured) ? measured : [], unit, description);

    /// <summary>The counts, by gauge name: each measurement with its (few, fixed) tags. Never a person, an address or a State's name.</summary>
    protected abstract Task<IReadOnlyDictionary<string, IReadOnlyList<Measurement<long>>>> CountAsync(IServiceProvider services, CancellationToken ct);

    /// <summary>One measurement per value of <paramref name="tag"/>, 0 for those not counted: every series exists from the start.</summary>
    protected static IReadOnlyList<Measurement<long>> ByTag(string tag, IEnumerable<string> values, IReadOnlyDictionary<string, long> counted) =>
        values.Select(v => new Measurement<long>(counted.GetValueOrDefault(v), new KeyValuePair<string, object?>(tag, v))).ToList();

    /// <summary>Counts once now (the loop does it every interval).</summary>
    public async Task CountNowAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        _latest = await CountAsync(scope.ServiceProvider, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CountNowAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogCountFailed(ex, GetType().Name);
            }
            try
            {
                await Task.Delay(_every, _clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting rows for {Gauges} failed; the previous counts stay")]
    private partial void LogCountFailed(Exception ex, string gauges);
}
