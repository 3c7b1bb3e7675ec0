namespace PocDirectory.Meetings.Schedule;

/// <summary>What a meeting is. A milestone is a date in the process without a meeting (a paper circulated, a procedure's expiry).</summary>
public static class MeetingKinds
{
    public const string SubstantiveSession = "substantive-session";
    public const string InformalIntersessional = "informal-intersessional";
    public const string Townhall = "townhall";
    public const string ConsultationsWithMemberStates = "consultations-member-states";
    public const string ConsultationsWithStakeholders = "consultations-stakeholders";
    public const string Briefing = "briefing";
    public const string PocMeeting = "poc-meeting";
    public const string Exercise = "exercise";
    public const string Milestone = "milestone";

    public static readonly IReadOnlyList<string> All =
        [SubstantiveSession, InformalIntersessional, Townhall, ConsultationsWithMemberStates, ConsultationsWithStakeholders, Briefing, PocMeeting, Exercise, Milestone];

    public static string DisplayName(string kind) => kind switch
    {
        SubstantiveSession => "Substantive session",
        InformalIntersessional => "Informal intersessional meeting",
        Townhall => "Townhall meeting",
        ConsultationsWithMemberStates => "Informal consultations with Member States",
        ConsultationsWithStakeholders => "Informal consultations with stakeholders",
        Briefing => "Briefing",
        PocMeeting => "Points of contact meeting",
        Exercise => "Exercise",
        Milestone => "Milestone",
        _ => kind,
    };
}

/// <summary>Where a meeting happens. A milestone has none.</summary>
public static class MeetingFormats
{
    public const string InPerson = "in-person";
    public const string Virtual = "virtual";
    public const string Hybrid = "hybrid";

    public static readonly IReadOnlyList<string> All = [InPerson, Virtual, Hybrid];

    public static bool HasRoom(string? format) => format is InPerson or Hybrid;

    public static string DisplayName(string format) => format switch
    {
        InPerson => "In person",
        Virtual => "Virtual",
        Hybrid => "Hybrid",
        _ => format,
    };
}

/// <summary>Who a meeting is for. A meeting whose audience includes the public is on the public schedule.</summary>
public static class Audiences
{
    public const string MemberStates = "member-states";
    public const string Observers = "observers";
    public const string Stakeholders = "stakeholders";
    public const string PointsOfContact = "points-of-contact";
    public const string Public = "public";

    public static readonly IReadOnlyList<string> All = [MemberStates, Observers, Stakeholders, PointsOfContact, Public];

    public static string DisplayName(string audience) => audience switch
    {
        MemberStates => "Member States",
        Observers => "Observer States",
        Stakeholders => "Accredited stakeholders",
        PointsOfContact => "Points of contact",
        Public => "Public",
        _ => audience,
    };
}

/// <summary>How sure a meeting is. Cancelled is final: a cancelled meeting is not changed again.</summary>
public static class MeetingStatuses
{
    public const string Tentative = "tentative";
    public const string Confirmed = "confirmed";
    public const string Postponed = "postponed";
    public const string Cancelled = "cancelled";
    public const string Held = "held";

    public static readonly IReadOnlyList<string> All = [Tentative, Confirmed, Postponed, Cancelled, Held];

    public static string DisplayName(string status) => status switch
    {
        Tentative => "To be confirmed",
        Confirmed => "Confirmed",
        Postponed => "Postponed",
        Cancelled => "Cancelled",
        Held => "Held",
        _ => status,
    };
}
