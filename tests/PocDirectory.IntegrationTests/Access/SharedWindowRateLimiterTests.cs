using System.Threading.RateLimiting;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.AppHost;
using PocDirectory.Testing;
using PocDirectory.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace PocDirectory.IntegrationTests.Access;

/// <summary>
/// A caller's limit shared by replicas through real Redis (<see cref="SharedWindowRateLimiter"/>): together they admit at
/// most the limit in a window, every permit Redis handed out is spent or still held, a refusal says when the window ends,
/// the next window admits again, and without Redis each replica counts alone.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SharedWindowRateLimiterTests(ServersFixture servers)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Ten seconds into a minute of the wall clock's (the next one late in this one, so that Redis keeps the window's key
    /// while the test reads it), as replicas on one clock see it.
    /// </summary>
    private static FakeTimeProvider Clock()
    {
        var now = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(now.Second > 40 ? 1 : 0);
        return new FakeTimeProvider(minute.AddSeconds(10));
    }

    private static SharedWindowRateLimiter Replica(IConnectionMultiplexer redis, string key, int limit, TimeProvider clock) =>
        new(key, limit, Minute, redis, clock, NullLogger.Instance);

    /// <summary>As ASP.NET Core's middleware asks: at once first, then waiting.</summary>
    private static async Task<RateLimitLease> AskAsync(RateLimiter limiter)
    {
        var lease = limiter.AttemptAcquire();
        return lease.IsAcquired ? lease : await limiter.AcquireAsync();
    }

    [Fact]
    public async Task Three_replicas_asked_at_once_admit_at_most_the_limit_together_and_lose_only_what_they_still_hold()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisOptions.Parse(servers.Redis.ConnectionString));
        var clock = Clock();
        var key = $"pocdir:test:{Guid.NewGuid():N}";
        var replicas = Enumerable.Range(0, 3).Select(_ => Replica(redis, key, 100, clock)).ToList();

        var admitted = 0;
        var refused = 0;
        await Task.WhenAll(Enumerable.Range(0, 24).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                using var lease = await AskAsync(replicas[(worker + i) % 3]);
                if (lease.IsAcquired)
                {
                    Interlocked.Increment(ref admitted);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })));

        var held = replicas.Sum(r => r.GetStatistics()!.CurrentAvailablePermits);
        Assert.Equal(600, admitted + refused);
        Assert.InRange(admitted, 100 - 3 * SharedWindowRateLimiter.MaxBlock, 100);
        Assert.Equal(100, admitted + held); // every permit taken from Redis was spent, or is still held by a replica
        Assert.Equal("100", (string?)await redis.GetDatabase().StringGetAsync($"{key}:{clock.GetUtcNow().ToUnixTimeMilliseconds() / 60_000}"));
        Assert.Equal(admitted, replicas.Sum(r => r.GetStatistics()!.TotalSuccessfulLeases));
    }

    [Fact]
    public async Task One_replica_admits_exactly_the_limit_then_says_when_the_window_ends_and_the_next_window_admits_again()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisOptions.Parse(servers.Redis.ConnectionString));
        var clock = Clock();
        using var limiter = Replica(redis, $"pocdir:test:{Guid.NewGuid():N}", 5, clock);

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await AskAsync(limiter)).IsAcquired, $"request {i + 1} of 5");
        }
        using var sixth = await AskAsync(limiter);
        Assert.False(sixth.IsAcquired);
        Assert.True(sixth.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(50), retryAfter); // the window began 10 s ago
        Assert.False(limiter.AttemptAcquire().IsAcquired); // refused at once too, without asking Redis

        clock.Advance(TimeSpan.FromSeconds(50));
        Assert.True((await AskAsync(limiter)).IsAcquired);
    }

    [Fact]
    public async Task A_limiter_that_spent_or_holds_permits_of_its_window_is_never_idle_so_they_are_not_dropped_with_it()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisOptions.Parse(servers.Redis.ConnectionString));
        var clock = Clock();
        using var limiter = Replica(redis, $"pocdir:test:{Guid.NewGuid():N}", 100, clock);
        Assert.NotNull(limiter.IdleDuration); // nothing taken yet

        Assert.True((await AskAsync(limiter)).IsAcquired); // took 1, spent it
        Assert.Null(limiter.IdleDuration);
        Assert.True((await AskAsync(limiter)).IsAcquired); // took 2, spent 1
        Assert.Equal(1, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.Null(limiter.IdleDuration);

        clock.Advance(Minute); // the permit held belongs to a window that is over
        Assert.NotNull(limiter.IdleDuration);
    }

    [Fact]
    public async Task A_Redis_that_refuses_the_take_counts_the_caller_alone_with_what_it_spent_before_and_never_answers_500()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisOptions.Parse(servers.Redis.ConnectionString));
        var clock = Clock();
        var key = $"pocdir:test:{Guid.NewGuid():N}";
        using var limiter = Replica(redis, key, 4, clock);
        Assert.True((await AskAsync(limiter)).IsAcquired); // 1 taken from Redis and spent

        // The window's key made a hash: Redis refuses the script (WRONGTYPE), as a Redis out of memory or read-only would.
        var windowKey = $"{key}:{clock.GetUtcNow().ToUnixTimeMilliseconds() / 60_000}";
        await redis.GetDatabase().KeyDeleteAsync(windowKey);
        await redis.GetDatabase().HashSetAsync(windowKey, "taken", "by something else");

        Assert.True((await AskAsync(limiter)).IsAcquired);
        Assert.True((await AskAsync(limiter)).IsAcquired);
        Assert.True((await AskAsync(limiter)).IsAcquired);
        Assert.False((await AskAsync(limiter)).IsAcquired); // 4 in all this window: the one spent through Redis counts
        Assert.Null(limiter.IdleDuration);
    }

    [Fact]
    public async Task Without_Redis_each_replica_counts_the_caller_alone()
    {
        // Nothing listens on this port: every command fails at once (the services' own Redis options).
        var nowhere = LoopbackPorts.GetFreePort();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisOptions.Parse($"127.0.0.1:{nowhere}"));
        var clock = Clock();
        var key = $"pocdir:test:{Guid.NewGuid():N}";
        using var first = Replica(redis, key, 3, clock);
        using var second = Replica(redis, key, 3, clock);

        foreach (var replica in new[] { first, second })
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.True((await AskAsync(replica)).IsAcquired);
            }
            using var refused = await AskAsync(replica);
            Assert.False(refused.IsAcquired);
            Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
            Assert.Equal(TimeSpan.FromSeconds(50), retryAfter);
            // What it counted alone keeps it from being dropped and made again from zero.
            Assert.Null(replica.IdleDuration);
        }

        clock.Advance(TimeSpan.FromSeconds(50)); // the next window
        Assert.NotNull(first.IdleDuration);
        Assert.True((await AskAsync(first)).IsAcquired);
    }

    [Fact]
    public async Task A_Redis_that_hangs_is_waited_for_half_a_second_then_the_caller_is_counted_alone_until_Redis_answers_again_each_said_once()
    {
        // A Redis of its own, stopped (SIGSTOP) while connected: commands are sent and never answered.
        await using var app = await ServerApp.StartAsync((builder, root) => builder.AddRedisServer("hanging", LoopbackPorts.GetFreePort(), Path.Combine(root, "hanging")));
        var server = app.Resource<RedisServerResource>("hanging");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisOptions.Parse(server.LocalConnectionString));
        var clock = Clock();
        var key = $"pocdir:test:{Guid.NewGuid():N}";
        var log = new ListLogger();
        using var limiter = new SharedWindowRateLimiter(key, 1000, Minute, redis, clock, log);
        Assert.True((await AskAsync(limiter)).IsAcquired); // 1 taken from Redis

        var pid = app.Pid("hanging")!.Value;
        Assert.True(Posix.Signal(pid, Posix.SigStop));
        try
        {
            var started = clock.GetUtcNow();
            var waiting = AskAsync(limiter);
            // The request waits for the take on the replicas' clock; it is moved on until the request has its answer.
            for (var i = 0; i < 100 && !waiting.IsCompleted; i++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(50));
                await Task.WhenAny(waiting, Task.Delay(20));
            }
            Assert.True(waiting.IsCompleted, "the request waiting for a hung Redis got an answer");
            Assert.True((await waiting).IsAcquired); // counted alone: no refusal, no 500
            Assert.InRange(clock.GetUtcNow() - started, SharedWindowRateLimiter.TakeTimeout, SharedWindowRateLimiter.TakeTimeout + TimeSpan.FromSeconds(1));
            Assert.Equal(1, log.Count(LogLevel.Warning));

            // Away: the next requests are counted alone at once, without waiting for Redis again, and it is not said again.
            for (var i = 0; i < 5; i++)
            {
                var lease = limiter.AcquireAsync();
                Assert.True(lease.IsCompleted, $"request {i + 1} answered without waiting");
                Assert.True((await lease).IsAcquired);
            }
            Assert.Equal(1, log.Count(LogLevel.Warning));
        }
        finally
        {
            Posix.Signal(pid, Posix.SigCont);
        }

        // Redis answers again; after RetryRedisAfter the limiter asks it again, and says once that the limits are shared again.
        clock.Advance(SharedWindowRateLimiter.RetryRedisAfter);
        // (If the client saw the connection break meanwhile, it counts alone until it has connected again.)
        await Eventually.Until(async () =>
        {
            Assert.True((await AskAsync(limiter)).IsAcquired);
            return log.Count(LogLevel.Information);
        }, said => said > 0, TimeSpan.FromSeconds(30), "the limits said to be shared again");
        Assert.Equal(1, log.Count(LogLevel.Information));
        Assert.Equal(1, log.Count(LogLevel.Warning));
        Assert.True((await AskAsync(limiter)).IsAcquired);
        Assert.Equal(1, log.Count(LogLevel.Information));
        // Redis counted what it handed out: at least the first take and the ones since it answers again.
        var taken = (long)await redis.GetDatabase().StringGetAsync($"{key}:{clock.GetUtcNow().ToUnixTimeMilliseconds() / 60_000}");
        Assert.InRange(taken, 2, 1000);
    }

    /// <summary>The levels of what a limiter logged.</summary>
    private sealed class ListLogger : ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<LogLevel> _levels = new();

        public int Count(LogLevel level) => _levels.Count(l => l == level);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _levels.Enqueue(logLevel);
    }
}
