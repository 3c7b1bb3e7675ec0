using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Apis;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.Reachability;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>A listed point of contact with its State's reference data, ready to search and show.</summary>
public sealed record ListedEntry(
    Guid PocId, string State, string StateName, string RegionalGroup, int Version, PocDetails Details,
    DateTimeOffset ListedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastVerifiedAt, long ChangeSequence,
    string Reachability = ReachabilityStatus.Pending)
{
    /// <summary>Name, title and organization, for matching a search's words regardless of case and accents.</summary>
    public string SearchText { get; } = $"{Details.FullName} {Details.Title} {Details.Organization} {StateName}";
}

/// <summary>
/// Every listed point of contact at one generation (the number of the latest change it includes),
/// never modified: a newer generation is a new snapshot, made from this one and the entries changed since.
/// </summary>
public sealed class DirectorySnapshot
{
    private static readonly CompareInfo Compare = CultureInfo.InvariantCulture.CompareInfo;
    private const CompareOptions Loose = CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace | CompareOptions.IgnoreKanaType | CompareOptions.IgnoreWidth;

    public static readonly DirectorySnapshot Empty = new(-1, new Dictionary<Guid, ListedEntry>(), 0, new HashSet<string>());

    private DirectorySnapshot(long generation, Dictionary<Guid, ListedEntry> entries, long reachabilityStamp, IReadOnlySet<string> overdueStates)
    {
        Generation = generation;
        ReachabilityStamp = reachabilityStamp;
        ReachabilityLoadedAt = Environment.TickCount64;
        OverdueStates = overdueStates;
        ById = entries;
        Ordered = entries.Values
            .OrderBy(e => e.StateName, StringComparer.InvariantCulture)
            .ThenBy(e => e.Details.Type, StringComparer.Ordinal)
            .ThenBy(e => e.Details.IsAlternate)
            .ThenBy(e => e.Details.FullName, StringComparer.InvariantCulture)
            .ToArray();
        Participating = entries.Values.Select(e => e.State).ToHashSet(StringComparer.Ordinal);
        ParticipatingInOrder = [.. Participating.Order(StringComparer.Ordinal)];
        _byState = Ordered.GroupBy(e => e.State, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _byGroup = Ordered.GroupBy(e => e.RegionalGroup, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    // The same entries as Ordered, in its order, by State and by regional group: a filtered search reads only its part.
    private readonly Dictionary<string, ListedEntry[]> _byState;
    private readonly Dictionary<string, ListedEntry[]> _byGroup;

    /// <summary><see cref="Participating"/>, sorted once per snapshot instead of once per answer.</summary>
    public IReadOnlyList<string> ParticipatingInOrder { get; }

    public long Generation { get; }

    /// <summary>The reachability counter (<see cref="DirectoryGeneration.ReachabilityKey"/>) this snapshot's reachability is at least as new as.</summary>
    public long ReachabilityStamp { get; }

    /// <summary>When reachability was last read (<see cref="Environment.TickCount64"/>).</summary>
    public long ReachabilityLoadedAt { get; private init; }

    /// <summary>States whose periodic update request is overdue.</summary>
    public IReadOnlySet<string> OverdueStates { get; }

    /// <summary>A snapshot of exactly these entries (for tests of the search).</summary>
    public static DirectorySnapshot For(IEnumerable<ListedEntry> entries) =>
        new(0, entries.ToDictionary(e => e.PocId), 0, new HashSet<string>());

    public IReadOnlyDictionary<Guid, ListedEntry> ById { get; }

    /// <summary>Sorted by State name, type, main before alternate, then name.</summary>
    public IReadOnlyList<ListedEntry> Ordered { get; }

    /// <summary>States with at least one listed point of contact: only their people read the directory.</summary>
    public IReadOnlySet<string> Participating { get; }

    /// <summary>How many answers a snapshot keeps (<see cref="Answer"/>); beyond that, answers are made each time.</summary>
    public const int MaxAnswers = 500;

    private readonly ConcurrentDictionary<string, byte[]> _answers = new(StringComparer.Ordinal);

    /// <summary>
    /// The answer to a question about this snapshot, made once: a snapshot never changes, and a newer
    /// generation is a new snapshot, so an answer kept here can never be stale.
    /// </summary>
    public byte[] Answer(string question, Func<byte[]> make)
    {
        if (_answers.TryGetValue(question, out var answer))
        {
            return answer;
        }
        answer = make();
        if (_answers.Count < MaxAnswers)
        {
            _answers.TryAdd(question, answer);
        }
        return answer;
    }

    /// <summary>Every match, in <see cref="Ordered"/>'s order.</summary>
    public IEnumerable<ListedEntry> Search(DirectoryQuery query)
    {
        foreach (var entry in Candidates(query))
        {
            if (Matches(entry, query))
            {
                yield return entry;
            }
        }
    }

    /// <summary>How many entries match, and those of one page, without holding the others.</summary>
    public (int Total, List<ListedEntry> Page) SearchPage(DirectoryQuery query, int page, int pageSize)
    {
        var skip = (page - 1) * pageSize;
        var items = new List<ListedEntry>(pageSize);
        var total = 0;
        foreach (var entry in Candidates(query))
        {
            if (Matches(entry, query))
            {
                if (total >= skip && items.Count < pageSize)
                {
                    items.Add(entry);
                }
                total++;
            }
        }
        return (total, items);
    }

    /// <summary>The smallest set the query can only match within: one State's entries, one group's, or all.</summary>
    private IReadOnlyList<ListedEntry> Candidates(DirectoryQuery query) =>
        query.State is { } state ? _byState.GetValueOrDefault(state) ?? []
        : query.RegionalGroup is { } group ? _byGroup.GetValueOrDefault(group) ?? []
        : Ordered;

    private static bool Matches(ListedEntry e, DirectoryQuery query)
    {
        if ((query.State is { } state && e.State != state)
            || (query.RegionalGroup is { } group && e.RegionalGroup != group)
            || (query.Type is { } type && e.Details.Type != type)
            || (query.Available247 is { } always && e.Details.Availability.Always != always)
            || (query.VerifiedSince is { } since && !(e.LastVerifiedAt >= since)))
        {
            return false;
        }
        if (query.Language is { } language && !e.Details.Languages.Any(l =>
                l.Equals(language, StringComparison.OrdinalIgnoreCase) || l.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        foreach (var word in query.Words)
        {
            if (Compare.IndexOf(e.SearchText, word, Loose) < 0)
            {
                return false;
            }
        }
        return true;
    }

    public static async Task<DirectorySnapshot> LoadAsync(DirectoryDbContext db, long generation, long reachabilityStamp, CancellationToken ct)
    {
        var overdue = await OverdueStatesAsync(db, ct);
        var states = await db.MemberStates.AsNoTracking().ToDictionaryAsync(s => s.Iso3, ct);
        var entries = await db.Entries.AsNoTracking().ToListAsync(ct);
        var byId = new Dictionary<Guid, ListedEntry>(entries.Count);
        foreach (var entry in entries.Where(e => e.Status == EntryStatus.Listed))
        {
            byId[entry.PocId] = ToListed(entry, states);
        }
        // Entries committed after the generation was read are included already: the snapshot is at least that new.
        return new DirectorySnapshot(Math.Max(generation, entries.Count == 0 ? 0 : entries.Max(e => e.ChangeSequence)), byId, reachabilityStamp, overdue);
    }

    /// <summary>This snapshot with every entry changed after it: at least generation <paramref name="generation"/>.</summary>
    public async Task<DirectorySnapshot> AdvanceAsync(DirectoryDbContext db, long generation, CancellationToken ct)
    {
        var changed = await db.Entries.AsNoTracking().Where(e => e.ChangeSequence > Generation).ToListAsync(ct);
        var states = await db.MemberStates.AsNoTracking().ToDictionaryAsync(s => s.Iso3, ct);
        var byId = new Dictionary<Guid, ListedEntry>(ById);
        foreach (var entry in changed)
        {
            if (entry.Status == EntryStatus.Listed)
            {
                byId[entry.PocId] = ToListed(entry, states);
            }
            else
            {
                byId.Remove(entry.PocId);
            }
        }
        return new DirectorySnapshot(Math.Max(generation, changed.Count == 0 ? Generation : changed.Max(e => e.ChangeSequence)), byId, ReachabilityStamp, OverdueStates)
        {
            ReachabilityLoadedAt = ReachabilityLoadedAt,
        };
    }

    /// <summary>This snapshot with every entry's reachability, and the overdue States, read again.</summary>
    public async Task<DirectorySnapshot> WithReachabilityAsync(DirectoryDbContext db, long reachabilityStamp, CancellationToken ct)
    {
        var marks = await db.Entries.AsNoTracking()
            .Where(e => e.Status == EntryStatus.Listed)
            .Select(e => new { e.PocId, e.Reachability, e.LastVerifiedAt })
            .ToListAsync(ct);
        var byId = new Dictionary<Guid, ListedEntry>(ById);
        foreach (var mark in marks)
        {
            if (byId.TryGetValue(mark.PocId, out var entry) && (entry.Reachability != mark.Reachability || entry.LastVerifiedAt != mark.LastVerifiedAt))
            {
                byId[mark.PocId] = entry with { Reachability = mark.Reachability, LastVerifiedAt = mark.LastVerifiedAt };
            }
        }
        return new DirectorySnapshot(Generation, byId, reachabilityStamp, await OverdueStatesAsync(db, ct));
    }

    private static async Task<IReadOnlySet<string>> OverdueStatesAsync(DirectoryDbContext db, CancellationToken ct) =>
        (await db.StateUpdates.AsNoTracking().Where(s => s.Status == Contracts.Nominations.UpdateRequestStatusChanged.Overdue).Select(s => s.State).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);

    private static ListedEntry ToListed(PocEntry e, IReadOnlyDictionary<string, Model.MemberState> states)
    {
        var state = states.GetValueOrDefault(e.State);
        return new ListedEntry(e.PocId, e.State, state?.Name ?? e.State, state?.RegionalGroup.ToString() ?? "",
            e.Version, e.Details!, e.ListedAt, e.UpdatedAt, e.LastVerifiedAt, e.ChangeSequence, e.Reachability);
    }
}

/// <summary>A directory search, checked: every filter optional.</summary>
public sealed record DirectoryQuery(
    IReadOnlyList<string> Words, string? State, string? RegionalGroup, string? Type, string? Language, bool? Available247, DateTimeOffset? VerifiedSince)
{
    /// <summary>The query as one string: equal for equal queries (words in their order; the rest normalized by parsing).</summary>
    public string Key => string.Join('|',
        string.Join(' ', Words), State, RegionalGroup, Type, Language?.ToLowerInvariant(), Available247, VerifiedSince?.UtcTicks);
}
