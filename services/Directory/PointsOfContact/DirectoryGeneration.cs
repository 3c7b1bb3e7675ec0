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

    public async Task<long> CurrentAsync(CancellationToken ct)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(Key);
            if (value.HasValue && long.TryParse(value.ToString(), out var number))
            {
                return number;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisUnavailable(ex);
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var latest = await db.Changes.MaxAsync(c => (long?)c.Sequence, ct) ?? 0;
        await AdvanceAsync(latest); // a Redis that lost the key learns it again
        return latest;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory generation not shared through Redis (unavailable); reading the database")]
    private partial void LogRedisUnavailable(Exception ex);
}
