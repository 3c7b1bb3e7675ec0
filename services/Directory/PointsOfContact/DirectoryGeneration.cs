using Microsoft.EntityFrameworkCore;
using PocDirectory.Directory.Infrastructure;
using StackExchange.Redis;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>
/// The number of the directory's latest committed change, shared by every replica through Redis: a
/// replica whose in-memory copy is older catches up before it answers, so a change is never served
/// stale once its event has been handled. When Redis does not answer, the database says the number.
/// </summary>
public sealed partial class DirectoryGeneration(IConnectionMultiplexer redis, IServiceScopeFactory scopes, ILogger<DirectoryGeneration> logger)
{
    public static readonly RedisKey Key = "pocdir:directory:generation";

    /// <summary>Counts changes of reachability (ping answers, closes, overdue States): not part of the feed.</summary>
    public static readonly RedisKey ReachabilityKey = "pocdir:directory:reachability";

    // Only ever moves forward: a late writer with an older number leaves a newer one in place.
    private static readonly LuaScript SetIfGreater = LuaScript.Prepare(
        "local c = tonumber(redis.call('GET', @key) or '0') if tonumber(@value) > c then redis.call('SET', @key, @value) end return 1");

    public async Task AdvanceAsync(long sequence)
    {
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(SetIfGreater, new { key = Key, value = sequence });
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisUnavailable(ex);
        }
    }

    /// <summary>Tells every replica that reachability changed (they reload it, at most once a second).</summary>
    public async Task ReachabilityChangedAsync()
    {
        try
        {
            await redis.GetDatabase().StringIncrementAsync(ReachabilityKey);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisUnavailable(ex);
        }
    }

    /// <summary>
    /// The latest change's number, and the reachability counter. Without Redis the counter is the
    /// current minute, so replicas still reload reachability now and then.
    /// </summary>
    public async Task<(long Feed, long Reachability)> CurrentAsync(CancellationToken ct)
    {
        try
        {
            var values = await redis.GetDatabase().StringGetAsync([Key, ReachabilityKey]);
            if (values[0].HasValue && long.TryParse(values[0].ToString(), out var number))
            {
                return (number, values[1].HasValue && long.TryParse(values[1].ToString(), out var reach) ? reach : 0);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisUnavailable(ex);
        }
        return (await FeedFromDatabaseAsync(ct), DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60);
    }

    private async Task<long> FeedFromDatabaseAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var latest = await db.Changes.MaxAsync(c => (long?)c.Sequence, ct) ?? 0;
        await AdvanceAsync(latest); // a Redis that lost the key learns it again
        return latest;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory generation not shared through Redis (unavailable); reading the database")]
    private partial void LogRedisUnavailable(Exception ex);
}
