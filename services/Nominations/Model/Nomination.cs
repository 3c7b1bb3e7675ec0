using PocDirectory.Contracts.PointsOfContact;

namespace PocDirectory.Nominations.Model;

public enum NominationStatus
{
    /// <summary>Being written by the focal point; nobody else sees it.</summary>
    Draft,
    /// <summary>Submitted; waits for the nominee to check the details and consent (new person or new address).</summary>
    AwaitingConfirmation,
    /// <summary>In the directory manager's queue.</summary>
    PendingReview,
    /// <summary>Sent back to the focal point for correction, with a reason.</summary>
    Returned,
    Approved,
    Rejected,
    /// <summary>The nominee did not confirm within 14 days.</summary>
    Lapsed,
    /// <summary>The nominee declined to be listed.</summary>
    Declined,
    /// <summary>Abandoned by the focal point, or overtaken by the point of contact's withdrawal.</summary>
    Discarded,
}

public enum NominationKind
{
    /// <summary>A person not yet listed.</summary>
    New,
    /// <summary>A change to a listed point of contact.</summary>
    Update,
}

/// <summary>
/// One request to list a point of contact or change a listed one, from draft to decision. Each
/// submission freezes its details as a <see cref="NominationVersion"/>; a nomination returned for
/// correction is edited and submitted again as the next version.
/// </summary>
public sealed class Nomination
{
    public static readonly TimeSpan ConfirmationLifetime = TimeSpan.FromDays(14);

    /// <summary>When the nominee who has not confirmed gets the one reminder.</summary>
    public static readonly TimeSpan ReminderAfter = TimeSpan.FromDays(7);

    public static readonly IReadOnlyList<NominationStatus> Open =
        [NominationStatus.Draft, NominationStatus.AwaitingConfirmation, NominationStatus.PendingReview, NominationStatus.Returned];

    public Guid Id { get; set; }

    /// <summary>The point of contact this is about: new for a first nomination, the listed one's for a change.</summary>
    public Guid PocId { get; set; }

    public string State { get; set; } = "";

    public NominationKind Kind { get; set; }

    public NominationStatus Status { get; set; }

    /// <summary>The working copy, as typed (may be incomplete while a draft).</summary>
    public NominationInput Draft { get; set; } = new();

    /// <summary>How many times it has been submitted; the latest version's number.</summary>
    public int Revision { get; set; }

    /// <summary>The details of the latest submitted version, checked and normalized.</summary>
    public PocDetails? Submitted { get; set; }

    /// <summary>The nominee's address in the latest version, lower case, to find the same person twice.</summary>
    public string? NomineeEmail { get; set; }

    /// <summary>The address the nominee confirmed (a later version with the same address needs no new confirmation).</summary>
    public string? ConfirmedEmail { get; set; }

    public string CreatedBy { get; set; } = "";
    public string CreatedByName { get; set; } = "";
    public string? CreatedByEmail { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }

    public byte[]? ConfirmationTokenHash { get; set; }
    public DateTimeOffset? ConfirmationExpiresAt { get; set; }
    public DateTimeOffset? ConfirmationReminderSentAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionReason { get; set; }

    /// <summary>PostgreSQL's row version (xmin): two reviewers deciding at once leave one decision.</summary>
    public uint RowVersion { get; set; }

    public bool IsEditable => Status is NominationStatus.Draft or NominationStatus.Returned;
}

/// <summary>A submitted version of a nomination: never changed once written.</summary>
public sealed class NominationVersion
{
    public Guid NominationId { get; set; }
    public int Revision { get; set; }
    public PocDetails Details { get; set; } = null!;
    public string SubmittedBy { get; set; } = "";
    public string SubmittedByName { get; set; } = "";
    public DateTimeOffset SubmittedAt { get; set; }
}

/// <summary>What happened to a nomination, in order: who, when, what.</summary>
public sealed class NominationEvent
{
    public long Id { get; set; }
    public Guid NominationId { get; set; }
    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = "";
    public string ActorName { get; set; } = "";
    public string Action { get; set; } = "";
    public string? Detail { get; set; }
}

/// <summary>A point of contact as Nominations last listed it (approved and not withdrawn, or withdrawn).</summary>
public sealed class ListedPoc
{
    public Guid PocId { get; set; }
    public string State { get; set; } = "";
    public int Version { get; set; }
    public PocDetails Details { get; set; } = null!;

    /// <summary>The listed address, lower case.</summary>
    public string Email { get; set; } = "";
    public Guid NominationId { get; set; }
    public DateTimeOffset ListedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
    public string? WithdrawnBy { get; set; }
    public string? WithdrawalReason { get; set; }

    /// <summary>When the person's details were removed, the retention period past (<c>WithdrawnDetailsRemoval</c>).</summary>
    public DateTimeOffset? DetailsRemovedAt { get; set; }
}
