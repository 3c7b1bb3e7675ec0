using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.Meetings.Infrastructure;

namespace PocDirectory.Meetings.Schedule;

/// <summary>
/// The public feeds as last written, for as long as no meeting changed: calendar applications poll the same feed
/// over and over, and writing a year of meetings with Ical.Net costs milliseconds each time. Every read first asks
/// the database for the schedule's stamp — how many meetings, and the sum of their revisions: meetings are never
/// deleted and every change of one raises its revision in the change's transaction, so every commit moves the
/// stamp, whatever the clocks or the order of commits — and uses a feed written at that stamp only. Each replica
/// keeps its own; a new stamp drops every feed kept. Keys are the filter's parsed values (a year written with
/// leading zeros is the same year), so what is kept is bounded by the schedule: each meeting is in at most four
/// feeds (its year or all years, its kind or all kinds), and an empty one is small. The entity tag is the feed's
/// own hash: it says nothing of the meetings that are not public.
/// </summary>
public sealed class FeedCache
{
    /// <summary>What the schedule looked like when a feed was written.</summary>
    public readonly record struct Stamp(long Count, long Revisions);

    /// <summary>A feed as written, and its entity tag (the filter's and the stamp's hash).</summary>
    public sealed record Entry(string Text, string ETag);

    /// <summary>The cache's name in <see cref="CacheMetrics"/>.</summary>
    public const string Name = "public-feed";

    private readonly Lock _gate = new();

    private Stamp _stamp;
    private Dictionary<string, Entry> _feeds = new(StringComparer.Ordinal);

    /// <summary>The schedule's stamp now (one aggregate over the meetings).</summary>
    public static async Task<Stamp> StampAsync(MeetingsDbContext db, CancellationToken ct)
    {
        var row = await db.Meetings.AsNoTracking().GroupBy(_ => 1)
            .Select(g => new { Count = g.LongCount(), Revisions = g.Sum(m => (long)m.Revision) })
            .SingleOrDefaultAsync(ct);
        return row is null ? new Stamp(0, 0) : new Stamp(row.Count, row.Revisions);
    }

    /// <summary>The feed for <paramref name="key"/> written at <paramref name="stamp"/>, written by <paramref name="write"/> when there is none.</summary>
    public async Task<Entry> GetAsync(string key, Stamp stamp, Func<Task<string>> write)
    {
        lock (_gate)
        {
            if (_stamp == stamp && _feeds.TryGetValue(key, out var kept))
            {
                CacheMetrics.Hit(Name);
                return kept;
            }
        }
        CacheMetrics.Miss(Name);
        var text = await write();
        var tag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32]}\"";
        var entry = new Entry(text, tag);
        lock (_gate)
        {
            if (_stamp != stamp)
            {
                // A newer stamp than the one kept (or the first): what was kept is stale. An older one (a slow reader) is not kept.
                if (stamp.Count < _stamp.Count || stamp.Revisions < _stamp.Revisions)
                {
                    return entry;
                }
                _stamp = stamp;
                _feeds = new(StringComparer.Ordinal);
            }
            _feeds[key] = entry;
        }
        return entry;
    }
}
