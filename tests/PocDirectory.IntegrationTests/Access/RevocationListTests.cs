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

    [Fact]
    public async Task Its_age_is_the_time_since_it_was_last_read_and_is_measured_while_it_runs()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var list = List(servers.Redis.ConnectionString, clock);
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(180, list.SecondsSinceRead); // never read: since it was made

        await list.StartAsync(CancellationToken.None); // reads once, then waits 15 s of the fake clock
        try
        {
            Assert.True(list.HasBeenRead);
            Assert.Equal(0, list.SecondsSinceRead);
            clock.Advance(TimeSpan.FromSeconds(14)); // no read due yet
            Assert.Equal(14, list.SecondsSinceRead);
        }
        finally
        {
            await list.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_list_whose_Redis_does_not_answer_grows_old_and_the_gauge_says_so()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        // Nothing listens there: every read fails, as while Redis is away.
        var list = List($"127.0.0.1:{PocDirectory.AppHost.LoopbackPorts.GetFreePort()}", clock);
        await list.StartAsync(CancellationToken.None);
        try
        {
            Assert.False(list.HasBeenRead);
            clock.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal(600, list.SecondsSinceRead);
            // The gauge is the largest age of the process's running lists; any other here is read every 15 s of real time.
            Assert.True(Gauge() >= 600, $"{Gauge()}");
        }
        finally
        {
            await list.StopAsync(CancellationToken.None);
        }
    }

    private static RevocationList List(string redis, TimeProvider clock) => new(new ServiceCollection().BuildServiceProvider(),
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:cache"] = redis }).Build(),
        clock, NullLogger<RevocationList>.Instance);

    /// <summary>The largest <c>revocation.list.age</c> of the process's running lists (other tests' among them), as an exporter reads it.</summary>
    private static double Gauge()
    {
        var age = double.NaN;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "PocDirectory.Revocation" && instrument.Name == "revocation.list.age")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => age = double.IsNaN(age) ? value : Math.Max(age, value));
        listener.Start();
        listener.RecordObservableInstruments();
        return age;
    }
}
