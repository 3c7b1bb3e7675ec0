using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Apis;
using PocDirectory.Directory.Infrastructure;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>A listed point of contact with its State's reference data, ready to search and show.</summary>
public sealed record ListedEntry(
    Guid PocId, string State, string StateName, string RegionalGroup, int Version, PocDetails Details,
    DateTimeOffset ListedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastVerifiedAt, long ChangeSequence)
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

    public static readonly DirectorySnapshot Empty = new(-1, new Dictionary<Guid, ListedEntry>());

    private DirectorySnapshot(long generation, Dictionary<Guid, ListedEntry> entries)
    {
        Generation = generation;
        ById = entries;
        Ordered = entries.Values
            .OrderBy(e => e.StateName, StringComparer.InvariantCulture)
            .ThenBy(e => e.Details.Type, StringComparer.Ordinal)
            .ThenBy(e => e.Details.IsAlternate)
            .ThenBy(e => e.Details.FullName, StringComparer.InvariantCulture)
            .ToArray();
        Participating = entries.Values.Select(e => e.State).ToHashSet(StringComparer.Ordinal);
    }

    public long Generation { get; }

    /// <summary>A snapshot of exactly these entries (for tests of the search).</summary>
    public static DirectorySnapshot For(IEnumerable<ListedEntry> entries) =>
        new(0, entries.ToDictionary(e => e.PocId));

    public IReadOnlyDictionary<Guid, ListedEntry> ById { get; }

    /// <summary>Sorted by State name, type, main before alternate, then name.</summary>
    public IReadOnlyList<ListedEntry> Ordered { get; }

    /// <summary>States with at least one listed point of contact: only their people read the directory.</summary>
    public IReadOnlySet<string> Participating { get; }

    public IEnumerable<ListedEntry> Search(DirectoryQuery query)
    {
        IEnumerable<ListedEntry> result = Ordered;
        if (query.State is { } state)
        {
            result = result.Where(e => e.State == state);
        }
        if (query.RegionalGroup is { } group)
        {
            result = result.Where(e => e.RegionalGroup == group);
        }
        if (query.Type is { } type)
        {
            result = result.Where(e => e.Details.Type == type);
        }
        if (query.Language is { } language)
        {
            result = result.Where(e => e.Details.Languages.Any(l =>
                l.Equals(language, StringComparison.OrdinalIgnoreCase) || l.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase)));
        }
        if (query.Available247 is { } always)
        {
            result = result.Where(e => e.Details.Availability.Always == always);
        }
        if (query.VerifiedSince is { } since)
        {
            result = result.Where(e => e.LastVerifiedAt >= since);
        }
        if (query.Words.Count > 0)
        {
            result = result.Where(e => query.Words.All(w => Compare.IndexOf(e.SearchText, w, Loose) >= 0));
        }
        return result;
    }

    public static async Task<DirectorySnapshot> LoadAsync(DirectoryDbContext db, long generation, CancellationToken ct)
    {
        var states = await db.MemberStates.AsNoTracking().ToDictionaryAsync(s => s.Iso3, ct);
        var entries = await db.Entries.AsNoTracking().ToListAsync(ct);
        var byId = new Dictionary<Guid, ListedEntry>(entries.Count);
        foreach (var entry in entries.Where(e => e.Status == EntryStatus.Listed))
        {
            byId[entry.PocId] = ToListed(entry, states);
        }
        // Entries committed after the generation was read are included already: the snapshot is at least that new.
        return new DirectorySnapshot(Math.Max(generation, entries.Count == 0 ? 0 : entries.Max(e => e.ChangeSequence)), byId);
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
        return new DirectorySnapshot(Math.Max(generation, changed.Count == 0 ? Generation : changed.Max(e => e.ChangeSequence)), byId);
    }

    private static ListedEntry ToListed(PocEntry e, IReadOnlyDictionary<string, Model.MemberState> states)
    {
        var state = states.GetValueOrDefault(e.State);
        return new ListedEntry(e.PocId, e.State, state?.Name ?? e.State, state?.RegionalGroup.ToString() ?? "",
            e.Version, e.Details!, e.ListedAt, e.UpdatedAt, e.LastVerifiedAt, e.ChangeSequence);
    }
}

/// <summary>A directory search, checked: every filter optional.</summary>
public sealed record DirectoryQuery(
    IReadOnlyList<string> Words, string? State, string? RegionalGroup, string? Type, string? Language, bool? Available247, DateTimeOffset? VerifiedSince);
