using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using StackExchange.Redis;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Subjects whose tokens were revoked before they expire, shared through Redis (the hash
/// <see cref="RedisKey"/>: subject → revocation time). Each process reads it every
/// <see cref="RefreshInterval"/> and refuses a token of a listed subject issued at or before that
/// time: a revocation reaches every service within that interval. While Redis is away the last list
/// read stays in force. Entries older than the longest token lifetime are dropped: such tokens have
/// expired anyway.
/// </summary>
public sealed partial class RevocationList(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<RevocationList> logger)
    : BackgroundService
{
    public const string RedisKey = "pocdir:revoked-subjects";
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(15);

    /// <summary>Tokens live at most 10 minutes; a revocation older than this can match no valid token.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromMinutes(15);

    private volatile FrozenDictionary<string, DateTimeOffset> _revoked = FrozenDictionary<string, DateTimeOffset>.Empty;

    private volatile bool _read;

    private static readonly Meter Meter = new("PocDirectory.Revocation");

    // Every list of the process (one, but for tests that run several hosts in one), and when each was last read.
    private static readonly ConcurrentDictionary<RevocationList, byte> Running = new();

    // No measurement while no list runs (no Redis configured): nothing is read, and nothing is said to be.
    private static readonly ObservableGauge<double> Age = Meter.CreateObservableGauge("revocation.list.age",
        () => Running.Keys.Select(l => l.SecondsSinceRead).ToArray() is { Length: > 0 } ages ? [new Measurement<double>(ages.Max())] : Array.Empty<Measurement<double>>(), "s",
        "Time since the revocation list was last read from Redis (since the process started, while never read)");

    private long _readAtTicks = clock.GetUtcNow().UtcTicks;

    /// <summary>Seconds since the list was last read (or since the process started, before the first read).</summary>
    public double SecondsSinceRead => Math.Max(0, (clock.GetUtcNow() - new DateTimeOffset(Interlocked.Read(ref _readAtTicks), TimeSpan.Zero)).TotalSeconds);

    /// <summary>
    /// True once the list was read from Redis at least once. Until then the process is not ready (its
    /// health check says so) and refuses every token: a revoked person is never let in for not knowing yet.
    /// </summary>
    public bool HasBeenRead => _read;

    public bool IsRevoked(string? subject, DateTimeOffset? issuedAt) =>
        !_read || (subject is not null && _revoked.TryGetValue(subject, out var revokedAt) && (issuedAt is null || issuedAt <= revokedAt));

    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Waits (up to 10 s) for the first read before the host goes on to serve requests.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken);
        await Task.WhenAny(_firstAttempt.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Running.TryAdd(this, 0);
        try
        {
            await RunAsync(stoppingToken);
        }
        finally
        {
            Running.TryRemove(this, out _);
            _firstAttempt.TrySetResult();
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        // The process's shared connection where it has one (the services), else one of its own (the gateway).
        var redis = services.GetService(typeof(IConnectionMultiplexer)) as IConnectionMultiplexer;
        await using var own = redis is null ? await ConnectAsync() : null;
        redis ??= own;
        if (redis is null)
        {
            LogNoRedis();
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(redis.GetDatabase());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRefreshFailed(ex);
            }
            _firstAttempt.TrySetResult();
            try
            {
                await Task.Delay(RefreshInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<ConnectionMultiplexer?> ConnectAsync()
    {
        var value = configuration.GetConnectionString(PocDirectory.ResourceNames.Cache);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        return await ConnectionMultiplexer.ConnectAsync(RedisOptions.Parse(value));
    }

    public async Task RefreshAsync(IDatabase redis)
    {
        var cutoff = clock.GetUtcNow() - Horizon;
        var entries = await redis.HashGetAllAsync(RedisKey);
        var revoked = new Dictionary<string, DateTimeOffset>();
        foreach (var entry in entries)
        {
            // A value that is not a time is ignored rather than allowed to stop the refresh.
            if (long.TryParse(entry.Value.ToString(), out var ms) && DateTimeOffset.FromUnixTimeMilliseconds(ms) is var at && at > cutoff)
            {
                revoked[entry.Name.ToString()] = at;
            }
        }
        _revoked = revoked.ToFrozenDictionary();
        _read = true;
        Interlocked.Exchange(ref _readAtTicks, clock.GetUtcNow().UtcTicks);
    }

    /// <summary>
    /// Adds a revocation to Redis and drops the entries past the horizon. An entry is dropped only if
    /// it still holds the old time it was read with, so a subject revoked again meanwhile stays listed.
    /// </summary>
    public static async Task AddAsync(IDatabase redis, string subject, DateTimeOffset revokedAt, DateTimeOffset now)
    {
        await redis.HashSetAsync(RedisKey, subject, revokedAt.ToUnixTimeMilliseconds());
        foreach (var entry in await redis.HashGetAllAsync(RedisKey))
        {
            if (!long.TryParse(entry.Value.ToString(), out var ms) || DateTimeOffset.FromUnixTimeMilliseconds(ms) < now - Horizon)
            {
                await redis.ScriptEvaluateAsync(DeleteIfUnchanged, [RedisKey], [entry.Name, entry.Value]);
            }
        }
    }

    private const string DeleteIfUnchanged =
        "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0";

    [LoggerMessage(Level = LogLevel.Warning, Message = "No ConnectionStrings__cache: revoked tokens are refused only when they expire")]
    private partial void LogNoRedis();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The list of revoked subjects could not be read from Redis; the last one read stays in force")]
    private partial void LogRefreshFailed(Exception ex);

    /// <summary>Ready once the list has been read: until then no token is accepted.</summary>
    public sealed class Readiness(RevocationList list) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
    {
        public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
            Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(list.HasBeenRead
                ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
                : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("The list of revoked subjects has not been read from Redis yet."));
    }

    /// <summary>Refuses a validated access token whose subject was revoked after it was issued.</summary>
    public sealed class RejectRevokedTokens(RevocationList list) : IOpenIddictValidationHandler<ProcessAuthenticationContext>
    {
        public ValueTask HandleAsync(ProcessAuthenticationContext context)
        {
            var principal = context.AccessTokenPrincipal;
            if (principal is not null && list.IsRevoked(principal.GetClaim(OpenIddictConstants.Claims.Subject), principal.GetCreationDate()))
            {
                context.Reject(OpenIddictConstants.Errors.InvalidToken, list.HasBeenRead
                    ? "The token was revoked."
                    : "Tokens cannot be checked against the revocation list yet: try again in a moment.");
            }
            return ValueTask.CompletedTask;
        }
    }
}
