namespace PocDirectory.Meetings.Schedule;

/// <summary>
/// A meeting of the process, or a milestone without a meeting. Its <see cref="Sequence"/> is the
/// calendar files' SEQUENCE: raised by every change of time or place and by a cancellation, so that
/// every calendar that holds the meeting takes the latest version; its UID never changes.
/// </summary>
public sealed class Meeting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public string Kind { get; set; } = MeetingKinds.Milestone;

    public string Title { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>In person, virtual or hybrid; none for a milestone, or while it is not yet known.</summary>
    public string? Format { get; set; }

    public string? Room { get; set; }

    public List<string> Audience { get; set; } = [];

    public string Status { get; set; } = MeetingStatuses.Confirmed;

    public MeetingTime Time { get; set; } = new();

    /// <summary>The first instant the time covers (for order and for filters), kept with <see cref="Time"/>.</summary>
    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public int Sequence { get; set; }

    /// <summary>Whether delegates may register their State's participants now.</summary>
    public bool RegistrationOpen { get; set; }

    /// <summary>The most participants in all (null: no limit).</summary>
    public int? Capacity { get; set; }

    /// <summary>The most participants one State may register (null: no limit).</summary>
    public int? PerDelegation { get; set; }

    /// <summary>A virtual or hybrid meeting's link: e-mailed to registered participants only, never shown on the schedule.</summary>
    public string? JoinLink { get; set; }

    /// <summary>Raised by every change; a change must name the revision it was made from (else 409).</summary>
    public int Revision { get; set; } = 1;

    /// <summary>When the points of contact were invited (a meeting whose audience holds them): each change and the cancellation then reach them too.</summary>
    public DateTimeOffset? PointsOfContactInvitedAt { get; set; }

    /// <summary>How many points of contact the Directory e-mailed the latest invitation or update to, once it has said.</summary>
    public int? PointsOfContactReached { get; set; }

    /// <summary>The latest request to the Directory for the points of contact: only its answer sets <see cref="PointsOfContactReached"/>.</summary>
    public Guid? PointsOfContactRequestId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Where a meeting of the Chair's letters came from ("2022-12-15/townhall"); null for the others.</summary>
    public string? SeedKey { get; set; }

    public bool IsPublic => Audience.Contains(Audiences.Public);

    public void SetTime(MeetingTime time)
    {
        Time = time;
        var (start, end) = time.Instants;
        StartsAt = start.ToDateTimeOffset();
        EndsAt = end.ToDateTimeOffset();
    }
}
