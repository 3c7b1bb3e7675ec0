using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PocDirectory.BuildingBlocks.Caching;

/// <summary>
/// Whether a cache answered: <c>cache.requests</c> counted by the cache's name (a fixed word per cache, never a key) and
/// <c>result</c> (hit or miss). A miss is a read the cache sent on to the database or the writer.
/// </summary>
public static class CacheMetrics
{
    private static readonly Meter Meter = new("PocDirectory.Caching");
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("cache.requests", "{request}", "Reads of a cache, by cache and by result (hit or miss)");

    /// <summary>Starts both series of <paramref name="cache"/> at 0, so that a first miss is an increase Prometheus sees.</summary>
    public static void Start(string cache)
    {
        Requests.Add(0, Tags(cache, "hit"));
        Requests.Add(0, Tags(cache, "miss"));
    }

    public static void Hit(string cache) => Requests.Add(1, Tags(cache, "hit"));

    public static void Miss(string cache) => Requests.Add(1, Tags(cache, "miss"));

    private static TagList Tags(string cache, string result) => new() { { "cache", cache }, { "result", result } };
}
