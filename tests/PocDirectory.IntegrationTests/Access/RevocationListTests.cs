using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using PocDirectory.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace PocDirectory.IntegrationTests.Access;

/// <summary>The list of revoked subjects, against real Redis: closed until it has been read once.</summary>
[Collection(ServersCollection.Name)]
public sealed class RevocationListTests(ServersFixture servers)
{
    [Fact]
    public async Task Until_the_list_is_first_read_every_token_is_refused_and_the_process_is_not_ready()
    {
        var configuration = new ConfigurationBuilder().Build();
        var list = new RevocationList(new ServiceCollection().BuildServiceProvider(), configuration, TimeProvider.System, NullLogger<RevocationList>.Instance);
        var readiness = new RevocationList.Readiness(list);
        var now = DateTimeOffset.UtcNow;

        Assert.True(list.IsRevoked("someone", now));
        Assert.Equal(HealthStatus.Unhealthy, (await readiness.CheckHealthAsync(new HealthCheckContext())).Status);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisOptions.Parse(servers.Redis.ConnectionString));
        var subject = $"revoked-{Guid.NewGuid():N}";
        await RevocationList.AddAsync(redis.GetDatabase(), subject, now, now);
        await list.RefreshAsync(redis.GetDatabase());

        Assert.Equal(HealthStatus.Healthy, (await readiness.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.False(list.IsRevoked("someone", now));
        Assert.True(list.IsRevoked(subject, now.AddSeconds(-1)));
        Assert.False(list.IsRevoked(subject, now.AddSeconds(1)));
    }
}
