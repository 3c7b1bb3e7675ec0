using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Which traces a service records and exports. A trace begun here (a request with no trace of its own, a
/// background job) is recorded while at most <see cref="TracesPerSecondKey"/> a second begin (default
/// <see cref="DefaultTracesPerSecond"/>, with a burst of <see cref="BurstSeconds"/> seconds' worth): at a person's pace
/// or in a test every trace is kept; under a crisis' thousands of searches a second the exporters and the dashboard
/// do not take the cores the searches need (docs/benchmarks.md). A service follows the decision of the caller whose
/// trace it continues, so a recorded trace is whole across the gateway, the services and the broker. A public entry
/// (the gateway, the Web) takes no decision from outside: a client's trace header keeps its id but is counted like a
/// trace begun here, so no client can make the system record everything. (The gateway cannot tell the Web's requests
/// from a client's when it decides, so under load a trace the Web recorded may lose its gateway part.) The standard
/// <c>OTEL_TRACES_SAMPLER</c> (and <c>OTEL_TRACES_SAMPLER_ARG</c>), when set, replaces all of this.
/// </summary>
public static class TraceSampling
{
    public const string TracesPerSecondKey = "Telemetry:TracesPerSecond";
    public const int DefaultTracesPerSecond = 10;
    public const int BurstSeconds = 10;

    /// <summary>The sampler for a service's configuration, or null when <c>OTEL_TRACES_SAMPLER</c> chooses one.</summary>
    public static Sampler? For(IConfiguration configuration, bool publicEntry, TimeProvider? clock = null)
    {
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_TRACES_SAMPLER"]))
        {
            return null;
        }
        var perSecond = configuration.GetValue(TracesPerSecondKey, DefaultTracesPerSecond);
        if (perSecond <= 0)
        {
            throw new InvalidOperationException($"{TracesPerSecondKey} must be a whole number above 0 (set OTEL_TRACES_SAMPLER=always_off to record none).");
        }
        var limited = new RateLimitedSampler(perSecond, perSecond * BurstSeconds, clock ?? TimeProvider.System);
        return publicEntry
            ? new ParentBasedSampler(limited, remoteParentSampled: limited, remoteParentNotSampled: limited)
            : new ParentBasedSampler(limited);
    }
}

/// <summary>
/// Records at most <c>perSecond</c> traces a second, and up to <c>burst</c> at once after a quiet spell (the
/// generic cell rate algorithm: one lock-free compare-and-swap per decision, no timer).
/// </summary>
public sealed class RateLimitedSampler : Sampler
{
    private readonly TimeProvider _clock;
    private readonly long _interval;
    private readonly long _tolerance;
    private long _next; // when the next trace is due at the steady rate, in the clock's timestamp ticks

    public RateLimitedSampler(int perSecond, int burst, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _clock = clock;
        _interval = Math.Max(1, clock.TimestampFrequency / perSecond);
        _tolerance = _interval * (burst - 1);
        _next = long.MinValue;
        Description = $"RateLimitedSampler{{{perSecond}/s, burst {burst}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var now = _clock.GetTimestamp();
        while (true)
        {
            var next = Volatile.Read(ref _next);
            var start = Math.Max(next, now);
            if (start - now > _tolerance)
            {
                return new SamplingResult(SamplingDecision.Drop);
            }
            if (Interlocked.CompareExchange(ref _next, start + _interval, next) == next)
            {
                return new SamplingResult(SamplingDecision.RecordAndSample);
            }
        }
    }
}
