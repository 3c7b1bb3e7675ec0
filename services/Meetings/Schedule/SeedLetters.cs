using System.Reflection;

namespace PocDirectory.Meetings.Schedule;

/// <summary>One of the Chair's letters the directory started from, as it was sent (its text is embedded in the service).</summary>
public sealed record SeedLetter(string Key, DateOnly Date, string Subject, DateStyle ScheduleStyle)
{
    public string Text
    {
        get
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Seeds.chair-letter-{Key}.txt")
                ?? throw new InvalidOperationException($"The letter of {Key} is not embedded.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }
}

/// <summary>
/// A meeting or a milestone as one of the letters announced it. <see cref="Quote"/> is the letter's own
/// words for it, with <c>{when}</c> where the letter gives its time: the time, written back in the
/// letter's style from the structured data, must give the letter's text again.
/// </summary>
public sealed record SeedMeeting(
    SeedLetter Letter, string Key, string Kind, string Title, string? Format, string[] Audience, string Status,
    MeetingTime Time, string Quote, string? Description = null)
{
    public Meeting ToMeeting(DateTimeOffset now)
    {
        var meeting = new Meeting
        {
            Kind = Kind, Title = Title, Format = Format, Audience = Audiences.All.Where(Audience.Contains).ToList(),
            Status = Status, Description = Description, SeedKey = $"{Letter.Key}/{Key}", CreatedAt = now, UpdatedAt = now,
        };
        meeting.SetTime(Time);
        return meeting;
    }
}

/// <summary>
/// The schedules of the three seed letters, as data: the timeline of the letter of 17 December 2021,
/// every row of the 2023 schedule annexed to the letter of 15 December 2022, and the briefing of the
/// letter of 10 January 2024. Times are New York's, as the letters give them.
/// </summary>
public static class SeedLetters
{
    public static readonly SeedLetter December2021 = new("2021-12-17", new DateOnly(2021, 12, 17),
        "Modalities for stakeholder participation: timeline to the second substantive session", DateStyle.Prose);

    public static readonly SeedLetter December2022 = new("2022-12-15", new DateOnly(2022, 12, 15),
        "Elements paper on the POC directory and the 2023 OEWG meeting schedule", DateStyle.Annex);

    public static readonly SeedLetter January2024 = new("2024-01-10", new DateOnly(2024, 1, 10),
        "Setting up the Global POC Directory: informal virtual briefing", DateStyle.Prose);

    public static readonly IReadOnlyList<SeedLetter> Letters = [December2021, December2022, January2024];

    private static readonly string[] States = [Audiences.MemberStates, Audiences.Observers];
    private static readonly string[] StatesAndPublic = [Audiences.MemberStates, Audiences.Observers, Audiences.Public];
    private static readonly string[] Everyone = [Audiences.MemberStates, Audiences.Observers, Audiences.Stakeholders, Audiences.Public];

    private static MeetingTime Day(int year, int month, int day) =>
        new() { Precision = TimePrecisions.Day, StartDate = new DateOnly(year, month, day) };

    private static MeetingTime Days(DateOnly first, DateOnly last, bool approximateEnd = false) =>
        new() { Precision = TimePrecisions.Days, StartDate = first, EndDate = last, EndApproximate = approximateEnd };

    private static MeetingTime At(int year, int month, int day, int hour, int minute) =>
        new() { Precision = TimePrecisions.Exact, StartDate = new DateOnly(year, month, day), StartTime = new TimeOnly(hour, minute) };

    private static MeetingTime Week(int year, int month, int week) =>
        new() { Precision = TimePrecisions.Week, StartDate = new DateOnly(year, month, 1), Week = week };

    private static MeetingTime Month(int year, int month) =>
        new() { Precision = TimePrecisions.Month, StartDate = new DateOnly(year, month, 1) };

    public static readonly IReadOnlyList<SeedMeeting> Meetings =
    [
        // Letter of 17 December 2021: the next session, and the timeline to a decision on modalities for stakeholder participation.
        new(December2021, "second-session", MeetingKinds.SubstantiveSession,
            "Second Substantive Session of the OEWG", MeetingFormats.InPerson, Everyone, MeetingStatuses.Confirmed,
            Days(new DateOnly(2022, 3, 28), new DateOnly(2022, 4, 1)),
            "the second substantive session, to be held {when} in New York."),
        new(December2021, "consultations", MeetingKinds.ConsultationsWithMemberStates,
            "Informal intersessional consultations with all interested delegations", null, States, MeetingStatuses.Confirmed,
            Days(new DateOnly(2021, 12, 17), new DateOnly(2022, 1, 15), approximateEnd: true),
            "{when}: I will continue informal intersessional consultations with all interested delegations."),
        new(December2021, "virtual-meeting", MeetingKinds.InformalIntersessional,
            "Informal, open-ended virtual meeting on modalities for stakeholder participation", MeetingFormats.Virtual, States, MeetingStatuses.Confirmed,
            Day(2022, 1, 13),
            "{when}: I will convene an informal, open-ended virtual meeting on the morning of 13 January 2022",
            "In the morning, New York time; further details to be transmitted in due course."),
        new(December2021, "silence", MeetingKinds.Milestone,
            "Chair's proposal on modalities for stakeholder participation circulated under a silence procedure for a week", null, StatesAndPublic, MeetingStatuses.Confirmed,
            Day(2022, 1, 18),
            "{when}: I will circulate to all Member States a Chair's proposal that will be placed under a silence procedure for a week."),
        new(December2021, "silence-expiry", MeetingKinds.Milestone,
            "Expiration of the silence procedure on modalities for stakeholder participation", null, StatesAndPublic, MeetingStatuses.Confirmed,
            Day(2022, 1, 25),
            "{when}: Expiration of the silence procedure."),

        // Annex to the letter of 15 December 2022: the 2023 OEWG meeting schedule, every row.
        new(December2022, "background-paper", MeetingKinds.Milestone,
            "Circulation of UNODA’s background paper on POC directory", null, StatesAndPublic, MeetingStatuses.Confirmed,
            Week(2023, 1, 5), "{when} Circulation of UNODA’s background paper on POC directory"),
        new(December2022, "elements-paper", MeetingKinds.Milestone,
            "Circulation of Chair’s “Elements Paper” on POC directory", null, StatesAndPublic, MeetingStatuses.Confirmed,
            Week(2023, 2, 1), "{when} Circulation of Chair’s “Elements Paper” on POC directory"),
        new(December2022, "townhall", MeetingKinds.Townhall,
            "Virtual informal “townhall meeting” to hear first reactions to Chair’s “Elements Paper” on POC directory", MeetingFormats.Virtual,
            [Audiences.MemberStates, Audiences.Observers, Audiences.Stakeholders], MeetingStatuses.Confirmed,
            At(2023, 2, 15, 9, 0), "{when} Virtual informal “townhall meeting” to hear first reactions to Chair’s “Elements Paper” on POC directory"),
        new(December2022, "stakeholder-consultations", MeetingKinds.ConsultationsWithStakeholders,
            "Chair’s Informal Consultations with Stakeholders", null, [Audiences.Stakeholders], MeetingStatuses.Confirmed,
            Day(2023, 3, 1), "{when} Chair’s Informal Consultations with Stakeholders"),
        new(December2022, "informal-informal", MeetingKinds.ConsultationsWithMemberStates,
            "Hybrid “informal, informal” consultations with Member States on POC directory (to continue on 3 March 2023 if necessary)", MeetingFormats.Hybrid,
            [Audiences.MemberStates], MeetingStatuses.Confirmed,
            Day(2023, 3, 2), "{when} Hybrid “informal, informal” consultations with Member States on POC directory (to continue on 3 March 2023 if necessary)"),
        new(December2022, "fourth-session", MeetingKinds.SubstantiveSession,
            "Fourth Substantive Session of the OEWG", MeetingFormats.InPerson, Everyone, MeetingStatuses.Confirmed,
            Days(new DateOnly(2023, 3, 6), new DateOnly(2023, 3, 10)), "{when} Fourth Substantive Session of the OEWG"),
        new(December2022, "june-intersessional", MeetingKinds.InformalIntersessional,
            "Likely Informal consultations and/or inter-sessional meetings (tbc)", null, States, MeetingStatuses.Tentative,
            Month(2023, 6), "{when} Likely Informal consultations and/or inter-sessional meetings (tbc)"),
        new(December2022, "fifth-session", MeetingKinds.SubstantiveSession,
            "Fifth Substantive Session of the OEWG", MeetingFormats.InPerson, Everyone, MeetingStatuses.Confirmed,
            Days(new DateOnly(2023, 7, 17), new DateOnly(2023, 7, 21)), "{when} Fifth Substantive Session of the OEWG"),

        // Letter of 10 January 2024: the briefing on the roadmap of the Global POC Directory.
        new(January2024, "briefing", MeetingKinds.Briefing,
            "Informal virtual briefing on the roadmap and timeline of the Global POC Directory", MeetingFormats.Virtual, States, MeetingStatuses.Confirmed,
            At(2024, 1, 31, 9, 0), "informal virtual briefing on {when}, where I intend to brief delegations",
            "The Secretariat will disseminate the link for the informal briefing in due course."),
    ];
}
