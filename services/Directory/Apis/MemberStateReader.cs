using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.Directory.Infrastructure;

namespace PocDirectory.Directory.Apis;

/// <summary>
/// Reads the State list through Redis (cache-aside): the list changes rarely and is read on every
/// page. When Redis is down the database answers alone; a cache fault never fails a request.
/// </summary>
public sealed partial class MemberStateReader(DirectoryDbContext db, RedisConnection redis, ILogger<MemberStateReader> logger)
{
    public const string CacheKey = "directory:member-states:v1";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<MemberStateResponse>> GetAllAsync(CancellationToken ct)
    {
        var cached = await TryReadCacheAsync();
        if (cached is not null)
        {
            return cached;
        }
        var states = await db.MemberStates.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);
        var result = states.Select(MemberStateResponse.From).ToList();
        await TryWriteCacheAsync(result);
        return result;
    }

    public async Task InvalidateAsync()
    {
        try
        {
            await (await redis.GetDatabaseAsync()).KeyDeleteAsync(CacheKey);
        }
        catch (Exception ex)
        {
            LogCacheFault(ex);
        }
    }

    private async Task<IReadOnlyList<MemberStateResponse>?> TryReadCacheAsync()
    {
        try
        {
            var value = await (await redis.GetDatabaseAsync()).StringGetAsync(CacheKey);
            return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<List<MemberStateResponse>>((string)value!, Json);
        }
        catch (Exception ex)
        {
            LogCacheFault(ex);
            return null;
        }
    }

    private async Task TryWriteCacheAsync(IReadOnlyList<MemberStateResponse> states)
    {
        try
        {
            await (await redis.GetDatabaseAsync()).StringSetAsync(CacheKey, JsonSerializer.Serialize(states, Json), Ttl);
        }
        catch (Exception ex)
        {
            LogCacheFault(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis cache unavailable; reading the database")]
    private partial void LogCacheFault(Exception ex);
}
