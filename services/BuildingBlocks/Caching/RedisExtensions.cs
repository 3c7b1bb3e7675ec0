using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace PocDirectory.BuildingBlocks.Caching;

/// <summary>
/// One multiplexed Redis connection per process (<c>ConnectionStrings__cache</c>, host:port). It
/// connects lazily and keeps retrying in the background, so a service starts and serves from its
/// database while Redis is down; the readiness check reports it.
/// </summary>
public sealed class RedisConnection(string configuration) : IDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() =>
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        return ConnectionMultiplexer.ConnectAsync(options);
    });

    public async Task<IDatabase> GetDatabaseAsync() => (await _connection.Value).GetDatabase();

    public void Dispose()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            _connection.Value.Result.Dispose();
        }
    }
}

public static class RedisExtensions
{
    public static IHostApplicationBuilder AddRedisCache(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration.GetConnectionString(ResourceNames.Cache)
            ?? throw new InvalidOperationException($"ConnectionStrings__{ResourceNames.Cache} is not set.");
        builder.Services.AddSingleton(_ => new RedisConnection(configuration));
        builder.Services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>(ResourceNames.Cache, tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }
}

internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = await redis.GetDatabaseAsync();
            await db.PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("Redis did not answer.", ex);
        }
    }
}
