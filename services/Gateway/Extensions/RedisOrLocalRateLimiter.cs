using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace PocDirectory.Gateway.Extensions;

/// <summary>
/// Counts in Redis, shared by every replica; while Redis cannot be reached, counts in this process
/// instead (the same limit per replica), so sign-in neither fails nor goes unlimited.
/// </summary>
public sealed partial class RedisOrLocalRateLimiter(RateLimiter redis, RateLimiter local, ILogger logger) : RateLimiter
{
    public override TimeSpan? IdleDuration => redis.IdleDuration is { } a && local.IdleDuration is { } b ? (a < b ? a : b) : null;

    public override RateLimiterStatistics? GetStatistics() => redis.GetStatistics();

    // The middleware tries this first and calls AcquireAsync when it is refused: the Redis limiter
    // counts only asynchronously, so this answers as it does, and the count happens below.
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        try
        {
            return redis.AttemptAcquire(permitCount);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisUnavailable(ex);
            return local.AttemptAcquire(permitCount);
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            return await redis.AcquireAsync(permitCount, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisUnavailable(ex);
            return await local.AcquireAsync(permitCount, cancellationToken);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            redis.Dispose();
            local.Dispose();
        }
        base.Dispose(disposing);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable for the shared sign-in limit; counting in this process")]
    private partial void LogRedisUnavailable(Exception ex);
}
