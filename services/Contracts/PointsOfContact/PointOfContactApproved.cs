namespace PocDirectory.Contracts.PointsOfContact;

/// <summary>
/// The directory manager approved a nomination: the point of contact is listed with these details,
/// as version <see cref="Version"/> of its entry. The Directory lists it; Identity invites the person.
/// </summary>
public sealed record PointOfContactApproved
{
    public required Guid PocId { get; init; }

    public required Guid NominationId { get; init; }

    /// <summary>ISO 3166-1 alpha-3 of the nominating State.</summary>
    public required string State { get; init; }

    /// <summary>1 for the first listing, then one more for each approved change.</summary>
    public required int Version { get; init; }

    public required PocDetails Details { get; init; }

    /// <summary>
    /// The address the entry was listed with before this version, when this version changes it (a new
    /// person): that account loses the point-of-contact role and its open invitation. Null otherwise.
    /// </summary>
    public string? PreviousEmail { get; init; }

    public required string SubmittedBy { get; init; }

    public required string ApprovedBy { get; init; }

    public required DateTimeOffset ApprovedAt { get; init; }
}

/// <summary>
/// A State withdrew a point of contact: it leaves the directory at once, and its account loses the
/// point-of-contact role.
/// </summary>
public sealed record PointOfContactWithdrawn
{
    public required Guid PocId { get; init; }

    public required string State { get; init; }

    /// <summary>The address the person was listed with (their account's address).</summary>
    public required string Email { get; init; }

    /// <summary>The entry's version after the withdrawal.</summary>
    public required int Version { get; init; }

    public required string WithdrawnBy { get; init; }

    public required DateTimeOffset WithdrawnAt { get; init; }

    public string? Reason { get; init; }
}
