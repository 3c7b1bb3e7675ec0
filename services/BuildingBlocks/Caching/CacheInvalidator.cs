using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PocDirectory.BuildingBlocks.Caching;

/// <summary>
/// Invalidation that reaches every replica. <see cref="HybridCache.RemoveAsync(IEnumerable{string}, CancellationToken)"/>
/// clears Redis and this process's memory only; the keys are also published on a Redis channel that
/// every replica subscribes to, and each removes them from its own memory. A replica that misses a
/// message (Redis was away) serves the old value for at most the cache's local expiration.
/// </summary>
public sealed partial class CacheInvalidator(HybridCache cache, IConnectionMultiplexer redis, ILogger<CacheInvalidator> logger)
    : BackgroundService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("pocdir:cache:invalidate");

    /// <summary>Removes the keys everywhere. A Redis fault is logged, never thrown: the database is the truth.</summary>
    public async Task InvalidateAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        await cache.RemoveAsync(keys, cancellationToken);
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(keys));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogPublishFailed(ex);
        }
    }

    /// <summary>Subscribes, retrying until Redis answers; the client renews the subscription after a reconnect.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var queue = await redis.GetSubscriber().SubscribeAsync(Channel);
                queue.OnMessage(OnMessageAsync);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogSubscribeFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task OnMessageAsync(ChannelMessage message)
    {
        try
        {
            var keys = JsonSerializer.Deserialize<string[]>(message.Message.ToString()) ?? [];
            await cache.RemoveAsync(keys);
        }
        catch (Exception ex)
        {
            LogInvalidationFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache invalidation not published to other replicas (Redis unavailable)")]
    private partial void LogPublishFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache invalidation channel not subscribed yet (Redis unavailable); retrying")]
    private partial void LogSubscribeFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A cache invalidation message could not be applied")]
    private partial void LogInvalidationFailed(Exception ex);
}
