using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace PocDirectory.UnitTests;

/// <summary>
/// Which traces are recorded: every one at a person's pace, at most a few a second under load, a recorded trace whole
/// across services, and no client able to make the gateway record everything. Decided by OpenTelemetry's own SDK
/// through a listener on a source of the test's own.
/// </summary>
public sealed class TraceSamplingTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    private static SamplingParameters Root() =>
        new(default, ActivityTraceId.CreateRandom(), "GET /api/directory/pocs", ActivityKind.Server);

    private static int Sampled(Sampler sampler, int decisions) =>
        Enumerable.Range(0, decisions).Count(_ => sampler.ShouldSample(Root()).Decision == SamplingDecision.RecordAndSample);

    [Fact]
    public void A_burst_is_recorded_whole_then_the_steady_rate_and_a_quiet_spell_restores_the_burst()
    {
        var sampler = new RateLimitedSampler(perSecond: 10, burst: 100, _clock);

        Assert.Equal(100, Sampled(sampler, 5_000));

        _clock.Advance(TimeSpan.FromMilliseconds(100)); // one interval at 10 a second
        Assert.Equal(1, Sampled(sampler, 1_000));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, Sampled(sampler, 1_000));

        _clock.Advance(TimeSpan.FromSeconds(10)); // a burst's worth of quiet
        Assert.Equal(100, Sampled(sampler, 1_000));
        _clock.Advance(TimeSpan.FromHours(1)); // longer quiet saves up no more than the burst
        Assert.Equal(100, Sampled(sampler, 1_000));
    }

    [Fact]
    public void Over_a_minute_of_load_the_recorded_traces_are_the_rate_and_the_burst_and_no_more()
    {
        var sampler = new RateLimitedSampler(perSecond: 10, burst: 100, _clock);
        var sampled = 0;
        for (var ms = 0; ms < 60_000; ms++) // a thousand requests a second for a minute
        {
            sampled += Sampled(sampler, 1);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.InRange(sampled, 100 + 599, 100 + 600);
    }

    [Fact]
    public async Task Threads_deciding_at_once_record_exactly_the_burst()
    {
        var sampler = new RateLimitedSampler(perSecond: 10, burst: 100, _clock);
        using var start = new Barrier(8);
        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return Sampled(sampler, 20_000);
        })));
        Assert.Equal(100, counts.Sum());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_rate_below_one_is_refused(int perSecond)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitedSampler(perSecond, 10, _clock));
        var configuration = Configuration(new() { [TraceSampling.TracesPerSecondKey] = perSecond.ToString() });
        var error = Assert.Throws<InvalidOperationException>(() => TraceSampling.For(configuration, publicEntry: false, _clock));
        Assert.Contains(TraceSampling.TracesPerSecondKey, error.Message);
    }

    [Fact]
    public void The_standard_sampler_variable_replaces_the_rate_limit()
    {
        Assert.Null(TraceSampling.For(Configuration(new() { ["OTEL_TRACES_SAMPLER"] = "always_on" }), publicEntry: true, _clock));
        Assert.NotNull(TraceSampling.For(Configuration(new()), publicEntry: true, _clock));
    }

    [Fact]
    public void A_service_records_every_trace_its_caller_records_even_over_its_own_budget_and_none_its_caller_dropped()
    {
        using var source = new ActivitySource($"test.{Guid.NewGuid():N}");
        using var provider = Provider(source, TraceSampling.For(Configuration(new() { [TraceSampling.TracesPerSecondKey] = "1" }), publicEntry: false, _clock)!);

        var roots = Enumerable.Range(0, 50).Select(_ => Start(source, parent: null)).ToList();
        Assert.Equal(TraceSampling.BurstSeconds, roots.Count(a => a.Recorded)); // its own budget: 1 a second, a burst of 10

        Assert.All(Enumerable.Range(0, 50), _ => Assert.True(Start(source, Remote(sampled: true)).Recorded));
        Assert.All(Enumerable.Range(0, 50), _ => Assert.False(Start(source, Remote(sampled: false)).Recorded));
    }

    [Fact]
    public void A_public_entry_counts_a_clients_recorded_trace_against_its_budget_and_keeps_the_clients_trace_id()
    {
        using var source = new ActivitySource($"test.{Guid.NewGuid():N}");
        using var provider = Provider(source, TraceSampling.For(Configuration(new() { [TraceSampling.TracesPerSecondKey] = "1" }), publicEntry: true, _clock)!);

        var parents = Enumerable.Range(0, 50).Select(_ => Remote(sampled: true)).ToList();
        var started = parents.Select(p => Start(source, p)).ToList();
        Assert.Equal(TraceSampling.BurstSeconds, started.Count(a => a.Recorded));
        Assert.All(started.Zip(parents), x => Assert.Equal(x.Second.TraceId, x.First.TraceId));

        // The budget spent, a client's recorded trace is not recorded here; a second later it is, with every span of its own.
        Assert.False(Start(source, Remote(sampled: true)).Recorded);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Activity.Current = null;
        using var parent = source.StartActivity("request", ActivityKind.Server, Remote(sampled: true))!;
        Assert.True(parent.Recorded);
        using var child = source.StartActivity("forward", ActivityKind.Client);
        Assert.True(child?.Recorded);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static TracerProvider Provider(ActivitySource source, Sampler sampler) =>
        Sdk.CreateTracerProviderBuilder().AddSource(source.Name).SetSampler(sampler).Build()!;

    private static ActivityContext Remote(bool sampled) =>
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);

    /// <summary>Starts and ends one span (no ambient parent): whether it was recorded, and its trace's id when it exists.</summary>
    private static (bool Recorded, ActivityTraceId? TraceId) Start(ActivitySource source, ActivityContext? parent)
    {
        Activity.Current = null;
        using var activity = source.StartActivity("request", ActivityKind.Server, parent ?? default);
        return (activity?.Recorded == true, activity?.TraceId);
    }
}
