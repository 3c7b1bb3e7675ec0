namespace PocDirectory.Directory.Reachability;

public enum CampaignStatus
{
    /// <summary>The window is open: links work, reminders are due at their times.</summary>
    Open,
    /// <summary>The window closed: non-responders were counted and their focal points told.</summary>
    Closed,
}

/// <summary>
/// A ping test: every point of contact in its scope is e-mailed a personal link and asked to
/// acknowledge within the window. The campaign is its own deadline row: <see cref="NextDueAt"/> is
/// the next reminder or the close, claimed by <see cref="PingCampaignWorker"/>. Kept after it closes,
/// for comparison.
/// </summary>
public sealed class PingCampaign
{
    public Guid Id { get; set; }

    /// <summary>Who is asked: empty lists mean every value.</summary>
    public PingScope Scope { get; set; } = PingScope.Everyone;

    public int WindowHours { get; set; }

    /// <summary>Hours after the start at which non-responders are reminded, ascending.</summary>
    public List<int> ReminderHours { get; set; } = [];

    public DateTimeOffset StartedAt { get; set; }
    public string StartedBy { get; set; } = "";
    public string StartedByName { get; set; } = "";
    public DateTimeOffset ClosesAt { get; set; }

    /// <summary>How many of <see cref="ReminderHours"/> have been sent.</summary>
    public int RemindersSent { get; set; }

    /// <summary>When the worker must act next: the next reminder, or the close.</summary>
    public DateTimeOffset NextDueAt { get; set; }

    public CampaignStatus Status { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public int RecipientCount { get; set; }

    /// <summary>PostgreSQL's row version (xmin).</summary>
    public uint RowVersion { get; set; }

    public DateTimeOffset NextDue() =>
        RemindersSent < ReminderHours.Count ? StartedAt.AddHours(ReminderHours[RemindersSent]) : ClosesAt;
}

/// <summary>A campaign's scope: regional groups, POC types and States (ISO alpha-3); an empty list means all.</summary>
public sealed record PingScope(IReadOnlyList<string> RegionalGroups, IReadOnlyList<string> Types, IReadOnlyList<string> States)
{
    public static readonly PingScope Everyone = new([], [], []);

    public bool Includes(string group, string type, string state) =>
        (RegionalGroups.Count == 0 || RegionalGroups.Contains(group))
        && (Types.Count == 0 || Types.Contains(type))
        && (States.Count == 0 || States.Contains(state));

    /// <summary>
    /// Who is asked, in words: "Technical points of contact in the African States group of Kenya and France". States by
    /// name when <paramref name="stateName"/> is given (by code otherwise, as in the audit log).
    /// </summary>
    public string Describe(Func<string, string>? stateName = null)
    {
        if (RegionalGroups.Count + Types.Count + States.Count == 0)
        {
            return "All points of contact";
        }
        var types = And(Types);
        var who = Types.Count == 0 ? "Points of contact" : char.ToUpperInvariant(types[0]) + types[1..] + " points of contact";
        var groups = RegionalGroups.Count == 0 ? ""
            : " in the " + And(RegionalGroups.Select(g => Enum.TryParse<Model.RegionalGroup>(g, out var group) ? Model.RegionalGroups.DisplayName(group) : g))
              + (RegionalGroups.Count == 1 ? " group" : " groups");
        var states = States.Count == 0 ? "" : " of " + And(States.Select(stateName ?? (code => code)));
        return who + groups + states;
    }

    private static string And(IEnumerable<string> words)
    {
        var list = words.ToList();
        return list.Count < 2 ? string.Concat(list) : string.Join(", ", list[..^1]) + " and " + list[^1];
    }
}

/// <summary>One point of contact asked in one campaign, as it was listed when the campaign started.</summary>
public sealed class PingRecipient
{
    public Guid CampaignId { get; set; }
    public Guid PocId { get; set; }
    public string State { get; set; } = "";
    public string RegionalGroup { get; set; } = "";
    public string Type { get; set; } = "";
    public string FullName { get; set; } = "";
    public string Email { get; set; } = "";
    public DateTimeOffset? AcknowledgedAt { get; set; }

    /// <summary><c>link</c> (the e-mailed link) or <c>web</c> (signed in).</summary>
    public string? AcknowledgedVia { get; set; }

    public DateTimeOffset? UndeliverableAt { get; set; }
    public string? UndeliverableReason { get; set; }

    /// <summary>Set when the window closed without an acknowledgement from a deliverable address.</summary>
    public bool Missed { get; set; }
}

/// <summary>
/// An e-mailed acknowledgement link: only the SHA-256 of its secret is kept. Each e-mail (the first and
/// every reminder) has its own; any of a recipient's links acknowledges once.
/// </summary>
public sealed class PingLink
{
    public byte[] TokenHash { get; set; } = [];
    public Guid CampaignId { get; set; }
    public Guid PocId { get; set; }

    /// <summary>The e-mail that carried it: an undeliverable e-mail marks its recipient.</summary>
    public Guid EmailId { get; set; }
}

/// <summary>Whether a point of contact can be reached, as the ping tests say.</summary>
public static class ReachabilityStatus
{
    /// <summary>Acknowledged the latest campaign that asked it.</summary>
    public const string Verified = "verified";
    /// <summary>Not yet tested, being tested, or missed one campaign.</summary>
    public const string Pending = "pending";
    /// <summary>Missed two campaigns in a row.</summary>
    public const string Unresponsive = "unresponsive";
    /// <summary>The mail server refused the address.</summary>
    public const string Undeliverable = "undeliverable";

    public const int MissesForUnresponsive = 2;

    public static readonly IReadOnlyList<string> All = [Verified, Pending, Unresponsive, Undeliverable];

    /// <summary>The status after a campaign closed without an answer.</summary>
    public static string AfterMiss(int missedInARow) => missedInARow >= MissesForUnresponsive ? Unresponsive : Pending;
}

/// <summary>The Directory's copy of each State's latest periodic update request (from Nominations).</summary>
public sealed class StateUpdateStatus
{
    public string State { get; set; } = "";
    public Guid RequestId { get; set; }
    public string Status { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset At { get; set; }
}
