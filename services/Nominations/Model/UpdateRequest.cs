using System.ComponentModel.DataAnnotations;

namespace PocDirectory.Nominations.Model;

/// <summary>
/// How often States are asked to confirm or update their entries, and when they are reminded and marked
/// overdue (configuration section <c>Nominations:UpdateRequests</c>).
/// </summary>
public sealed class UpdateRequestOptions
{
    public const string Section = "Nominations:UpdateRequests";

    /// <summary>Months between two rounds.</summary>
    [Range(1, 60)]
    public int IntervalMonths { get; set; } = 6;

    /// <summary>Days without an answer before the focal points are reminded, once.</summary>
    [Range(1, 365)]
    public int ReminderAfterDays { get; set; } = 30;

    /// <summary>Days without an answer before the request is overdue (flagged in the directory).</summary>
    [Range(1, 365)]
    public int OverdueAfterDays { get; set; } = 60;

    /// <summary>How often the background worker looks for what is due.</summary>
    [Range(1, 3600)]
    public int CheckSeconds { get; set; } = 60;

    public TimeSpan ReminderAfter => TimeSpan.FromDays(ReminderAfterDays);

    public TimeSpan OverdueAfter => TimeSpan.FromDays(OverdueAfterDays);
}

/// <summary>The single row that says when the next round of update requests starts.</summary>
public sealed class UpdateRequestSchedule
{
    public const int SingleId = 1;

    public int Id { get; set; } = SingleId;

    public DateTimeOffset NextRoundAt { get; set; }

    public DateTimeOffset? LastRoundAt { get; set; }

    /// <summary>PostgreSQL's row version (xmin).</summary>
    public uint RowVersion { get; set; }
}

/// <summary>The statuses of an update request, as stored and as published.</summary>
public static class UpdateRequestStatus
{
    /// <summary>Asked, waiting for the focal point.</summary>
    public const string Open = "open";

    /// <summary>Still unanswered after the deadline: the State is flagged in the directory.</summary>
    public const string Overdue = "overdue";

    /// <summary>Every entry confirmed, changed or withdrawn.</summary>
    public const string Answered = "answered";

    /// <summary>Closed unanswered because a newer round asked the State again.</summary>
    public const string Superseded = "superseded";

    public static readonly IReadOnlyList<string> All = [Open, Overdue, Answered, Superseded];

    /// <summary>The statuses in which the focal point may still answer.</summary>
    public static readonly IReadOnlyList<string> Answerable = [Open, Overdue];
}

/// <summary>What the focal point said of one entry.</summary>
public static class UpdateRequestOutcome
{
    public const string Unchanged = "unchanged";
    public const string ChangeProposed = "change-proposed";
    public const string Withdrawn = "withdrawn";
}

/// <summary>
/// One State asked, in one round, to confirm or update each of its listed points of contact: reminded
/// once, overdue once, answered when every entry is answered.
/// </summary>
public sealed class UpdateRequest
{
    public Guid Id { get; set; }

    /// <summary>ISO 3166-1 alpha-3.</summary>
    public string State { get; set; } = "";

    public string Status { get; set; } = UpdateRequestStatus.Open;

    public DateTimeOffset RequestedAt { get; set; }

    /// <summary>Who started the round: "system" for the schedule, else the directory manager's subject.</summary>
    public string RequestedBy { get; set; } = "";

    public DateTimeOffset? RemindedAt { get; set; }

    public DateTimeOffset? OverdueAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public string? AnsweredBy { get; set; }

    /// <summary>When a newer round closed it unanswered.</summary>
    public DateTimeOffset? SupersededAt { get; set; }

    /// <summary>PostgreSQL's row version (xmin).</summary>
    public uint RowVersion { get; set; }

    public List<UpdateRequestEntry> Entries { get; set; } = [];

    public bool IsAnswerable => UpdateRequestStatus.Answerable.Contains(Status);
}

/// <summary>A point of contact listed when the State was asked, and what the focal point answered for it.</summary>
public sealed class UpdateRequestEntry
{
    public Guid RequestId { get; set; }
    public Guid PocId { get; set; }
    public string FullName { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTimeOffset? ConfirmedAt { get; set; }
    public string? ConfirmedBy { get; set; }

    /// <summary>Null until answered; then <see cref="UpdateRequestOutcome"/>.</summary>
    public string? Outcome { get; set; }
}
