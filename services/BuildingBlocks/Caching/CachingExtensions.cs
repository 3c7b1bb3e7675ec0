using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace PocDirectory.BuildingBlocks.Caching;

public static class CachingExtensions
{
    /// <summary>
    /// Redis (<c>ConnectionStrings__cache</c>, host:port) and the read cache built on it:
    /// <list type="bullet">
    /// <item>one <see cref="IConnectionMultiplexer"/> per process, shared through DI; it connects in the
    /// background and reconnects by itself, so a service starts and serves from its database while
    /// Redis is down (commands then fail at once instead of queueing), and the readiness check says so;</item>
    /// <item><see cref="HybridCache"/>: values in process memory (L1), in Redis for every replica (L2),
    /// one factory call per key at a time (no stampede);</item>
    /// <item><see cref="CacheInvalidator"/>: removes keys here and, over Redis pub/sub, from every
    /// replica's memory.</item>
    /// </list>
    /// </summary>
    public static IHostApplicationBuilder AddRedisCache(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration.GetConnectionString(ResourceNames.Cache)
            ?? throw new InvalidOperationException($"ConnectionStrings__{ResourceNames.Cache} is not set.");
        var options = RedisOptions.Parse(configuration, builder.Environment.ApplicationName);

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));

        builder.Services.AddStackExchangeRedisCache(_ => { });
        builder.Services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((redis, services) =>
        {
            redis.InstanceName = "pocdir:";
            redis.ConnectionMultiplexerFactory = () => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>());
        });
        builder.Services.AddHybridCache(cache => cache.DefaultEntryOptions = new HybridCacheEntryOptions
        {
            Expiration = TimeSpan.FromMinutes(10),
            // Bounds how long a replica can serve a value whose invalidation it missed (Redis away).
            LocalCacheExpiration = TimeSpan.FromMinutes(1),
        });
        builder.Services.AddSingleton<CacheInvalidator>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CacheInvalidator>());

        builder.Services.AddHealthChecks()
            .AddRedis(services => services.GetRequiredService<IConnectionMultiplexer>(), ResourceNames.Cache,
                tags: [ServiceDefaultsExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(3));
        return builder;
    }
}
