using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Reachability;

namespace PocDirectory.Directory.PointsOfContact;

public enum EntryStatus
{
    Listed,
    Withdrawn,
}

/// <summary>A point of contact as the directory shows it: the latest approved version, or a withdrawal.</summary>
public sealed class PocEntry
{
    public Guid PocId { get; set; }
    public string State { get; set; } = "";
    public int Version { get; set; }
    public EntryStatus Status { get; set; }

    /// <summary>Null only for a withdrawal that arrived before the listing it ends.</summary>
    public PocDetails? Details { get; set; }

    public DateTimeOffset ListedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }

    /// <summary>When a withdrawn person's details were removed, the retention period past (<see cref="WithdrawnDetailsRemoval"/>).</summary>
    public DateTimeOffset? DetailsRemovedAt { get; set; }

    /// <summary>When the point of contact last answered a ping test (kept by reachability checks).</summary>
    public DateTimeOffset? LastVerifiedAt { get; set; }

    /// <summary>One of <see cref="ReachabilityStatus"/>'s statuses; pending until a ping test says more.</summary>
    public string Reachability { get; set; } = ReachabilityStatus.Pending;

    /// <summary>Ping tests missed in a row (an acknowledgement resets it).</summary>
    public int MissedInARow { get; set; }

    /// <summary>The <see cref="PocChange.Sequence"/> of the entry's latest change.</summary>
    public long ChangeSequence { get; set; }
}

/// <summary>One version of an entry as it was: who submitted and approved it, when, and what changed.</summary>
public sealed class PocEntryVersion
{
    public Guid PocId { get; set; }
    public int Version { get; set; }
    public string Kind { get; set; } = "";
    public PocDetails? Details { get; set; }
    public string? ChangedFields { get; set; }
    public Guid? NominationId { get; set; }
    public string? SubmittedBy { get; set; }
    public string Actor { get; set; } = "";
    public string? Reason { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// The changes feed: one row per change, numbered in commit order (writers take one advisory lock),
/// so a client that read up to a number never misses a later one.
/// </summary>
public sealed class PocChange
{
    public long Sequence { get; set; }
    public Guid PocId { get; set; }
    public string State { get; set; } = "";
    public int Version { get; set; }
    public string Kind { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

public static class ChangeKinds
{
    public const string Listed = "listed";
    public const string Changed = "changed";
    public const string Withdrawn = "withdrawn";
}
