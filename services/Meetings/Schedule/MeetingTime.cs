using System.Globalization;
using NodaTime;
using PocDirectory.BuildingBlocks.Validation;

namespace PocDirectory.Meetings.Schedule;

/// <summary>How precisely a meeting's time is known.</summary>
public static class TimePrecisions
{
    /// <summary>A start time (and perhaps an end time) on one day, in an IANA zone: "Wednesday, 15 February 2023, 9.00 am (NY Time)".</summary>
    public const string Exact = "exact";

    /// <summary>A day: "Wednesday, 1 March 2023".</summary>
    public const string Day = "day";

    /// <summary>A span of days: "6 - 10 March 2023"; its end may be approximate ("mid-January 2022").</summary>
    public const string Days = "days";

    /// <summary>A week of a month: "First week of February 2023".</summary>
    public const string Week = "week";

    /// <summary>A month: "June 2023".</summary>
    public const string Month = "month";

    public static readonly IReadOnlyList<string> All = [Exact, Day, Days, Week, Month];
}

/// <summary>
/// Where a date appears: in the table of a schedule annexed to a letter ("Wednesday, 15 February 2023,
/// 9.00 am (NY Time)"), or in a letter's own sentences ("on Wednesday, 31 January 2024 at 9.00am (New
/// York time)", "13 January 2022", "between now and mid-January 2022"). The Chair's letters use both.
/// </summary>
public enum DateStyle
{
    Annex,
    Prose,
}

/// <summary>
/// A meeting's time, as precise as it is known: an exact time on a day in an IANA zone, a day, a span
/// of days, a week of a month or a month. Dates are the zone's local dates (New York by default, where
/// the OEWG meets). Week n of a month is its days 7n-6 to 7n; the last week is its last seven days.
/// </summary>
public sealed class MeetingTime
{
    public const string NewYork = "America/New_York";

    /// <summary>The weeks of a month a schedule can name, and the number each is stored as.</summary>
    public static readonly IReadOnlyList<string> WeekNames = ["first", "second", "third", "fourth", "last"];

    public string Precision { get; set; } = TimePrecisions.Day;

    /// <summary>The first day (for a week or a month: the month's first day).</summary>
    public DateOnly StartDate { get; set; }

    /// <summary>The last day of a span of days.</summary>
    public DateOnly? EndDate { get; set; }

    /// <summary>A span's end is only approximately known (its day stands for early, mid or late in its month).</summary>
    public bool EndApproximate { get; set; }

    public TimeOnly? StartTime { get; set; }

    public TimeOnly? EndTime { get; set; }

    /// <summary>1 to 4, or 5 for the last week of the month.</summary>
    public int? Week { get; set; }

    public string Zone { get; set; } = NewYork;

    public DateTimeZone TimeZone => DateTimeZoneProviders.Tzdb[Zone];

    /// <summary>The first and the last day the time covers, in its zone.</summary>
    public (DateOnly First, DateOnly Last) Days => Precision switch
    {
        TimePrecisions.Days => (StartDate, EndDate ?? StartDate),
        TimePrecisions.Week when Week == 5 => (LastOfMonth(StartDate).AddDays(-6), LastOfMonth(StartDate)),
        TimePrecisions.Week => (StartDate.AddDays(7 * (Week!.Value - 1)), StartDate.AddDays(7 * Week.Value - 1)),
        TimePrecisions.Month => (StartDate, LastOfMonth(StartDate)),
        _ => (StartDate, StartDate),
    };

    /// <summary>The instants it covers: from its start to its end (an exact time without an end covers one instant).</summary>
    public (Instant Start, Instant End) Instants
    {
        get
        {
            var zone = TimeZone;
            if (Precision == TimePrecisions.Exact)
            {
                var start = zone.AtLeniently(LocalDate.FromDateOnly(StartDate).At(LocalTime.FromTimeOnly(StartTime!.Value))).ToInstant();
                var end = EndTime is { } endTime ? zone.AtLeniently(LocalDate.FromDateOnly(StartDate).At(LocalTime.FromTimeOnly(endTime))).ToInstant() : start;
                return (start, end);
            }
            var (first, last) = Days;
            return (zone.AtStartOfDay(LocalDate.FromDateOnly(first)).ToInstant(), zone.AtStartOfDay(LocalDate.FromDateOnly(last).PlusDays(1)).ToInstant());
        }
    }

    /// <summary>Whether two times say the same thing (a change of time is what raises a calendar file's SEQUENCE).</summary>
    public bool SameAs(MeetingTime other) =>
        Precision == other.Precision && StartDate == other.StartDate && EndDate == other.EndDate && EndApproximate == other.EndApproximate
        && StartTime == other.StartTime && EndTime == other.EndTime && Week == other.Week && Zone == other.Zone;

    private static DateOnly LastOfMonth(DateOnly date) => new(date.Year, date.Month, DateTime.DaysInMonth(date.Year, date.Month));

    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    private static string Date(DateOnly date) => date.ToString("d MMMM yyyy", English);

    private static string WeekdayAndDate(DateOnly date) => date.ToString("dddd, d MMMM yyyy", English);

    /// <summary>"9.00 am", or "9.00am" run together as the letters' prose writes it.</summary>
    private static string Clock(TimeOnly time, bool runTogether) =>
        time.ToString("h.mm", English) + (runTogether ? "" : " ") + (time.Hour < 12 ? "am" : "pm");

    /// <summary>The zone as the letters name it: "NY Time" in a schedule, "New York time" in a sentence; other zones by their city.</summary>
    private string ZoneName(DateStyle style)
    {
        var city = Zone == NewYork ? (style == DateStyle.Annex ? "NY" : "New York") : Zone[(Zone.LastIndexOf('/') + 1)..].Replace('_', ' ');
        return style == DateStyle.Annex ? $"{city} Time" : $"{city} time";
    }

    /// <summary>The approximate end of a span: its month, early (days 1-10), mid (11-20) or late (21 on).</summary>
    private static string Approximately(DateOnly date) =>
        $"{(date.Day <= 10 ? "early" : date.Day <= 20 ? "mid" : "late")}-{date.ToString("MMMM yyyy", English)}";

    /// <summary>
    /// The time in the words of the Chair's letters. <paramref name="writtenOn"/> is the letter's own date:
    /// a span that starts that day starts "now".
    /// </summary>
    public string Describe(DateStyle style = DateStyle.Annex, DateOnly? writtenOn = null)
    {
        switch (Precision)
        {
            case TimePrecisions.Exact:
                var times = Clock(StartTime!.Value, style == DateStyle.Prose)
                    + (EndTime is { } end ? " to " + Clock(end, style == DateStyle.Prose) : "");
                return style == DateStyle.Annex
                    ? $"{WeekdayAndDate(StartDate)}, {times} ({ZoneName(style)})"
                    : $"{WeekdayAndDate(StartDate)} at {times} ({ZoneName(style)})";
            case TimePrecisions.Day:
                return style == DateStyle.Annex ? WeekdayAndDate(StartDate) : Date(StartDate);
            case TimePrecisions.Days:
                var last = EndDate ?? StartDate;
                if (EndApproximate)
                {
                    var from = writtenOn == StartDate ? "now" : Date(StartDate);
                    return style == DateStyle.Prose ? $"Between {from} and {Approximately(last)}" : $"{Date(StartDate)} - {Approximately(last)}";
                }
                var first = StartDate.Year != last.Year ? Date(StartDate)
                    : StartDate.Month != last.Month ? StartDate.ToString("d MMMM", English)
                    : StartDate.Day.ToString(CultureInfo.InvariantCulture);
                return style == DateStyle.Prose ? $"from {first} to {Date(last)}" : $"{first} - {Date(last)}";
            case TimePrecisions.Week:
                var week = WeekNames[Week!.Value - 1];
                return $"{char.ToUpperInvariant(week[0])}{week[1..]} week of {StartDate.ToString("MMMM yyyy", English)}";
            default:
                return StartDate.ToString("MMMM yyyy", English);
        }
    }

    /// <summary>
    /// Reads a time from a request, every error at once under <paramref name="field"/>.* (null when
    /// something is wrong; the errors say what).
    /// </summary>
    public static MeetingTime? Parse(MeetingTimeRequest? request, FieldErrors errors, string field = "time")
    {
        if (request is null)
        {
            errors.Add(field, "Give the meeting's time: its precision and its date, week or month.");
            return null;
        }
        var ok = true;
        void Refuse(string name, string message)
        {
            errors.Add($"{field}.{name}", message);
            ok = false;
        }
        var precision = request.Precision?.Trim().ToLowerInvariant();
        if (precision is null || !TimePrecisions.All.Contains(precision))
        {
            Refuse("precision", $"Say how precisely the time is known: one of {string.Join(", ", TimePrecisions.All)}.");
            return null;
        }
        var zone = string.IsNullOrWhiteSpace(request.Zone) ? NewYork : request.Zone.Trim();
        var tz = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone);
        if (tz is null)
        {
            Refuse("zone", $"'{Shorten(zone)}' is not a time zone. Give an IANA zone such as America/New_York or Europe/Zurich.");
        }
        var time = new MeetingTime { Precision = precision, Zone = zone };

        DateOnly? ReadDate(string name, string? value, bool required)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    Refuse(name, "Give the date, as YYYY-MM-DD.");
                }
                return null;
            }
            if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) || date.Year is < 2000 or > 2100)
            {
                Refuse(name, $"'{Shorten(value)}' is not a date between 2000 and 2100 written as YYYY-MM-DD.");
                return null;
            }
            return date;
        }
        TimeOnly? ReadTime(string name, string? value, bool required)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    Refuse(name, "Give the time of day, as HH:MM on a 24-hour clock.");
                }
                return null;
            }
            if (!TimeOnly.TryParseExact(value.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                Refuse(name, $"'{Shorten(value)}' is not a time of day written as HH:MM (24-hour clock).");
                return null;
            }
            return parsed;
        }
        void NotFor(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                Refuse(name, $"A time of precision '{precision}' has no {name}.");
            }
        }

        switch (precision)
        {
            case TimePrecisions.Exact:
                time.StartDate = ReadDate("date", request.Date, required: true) ?? default;
                time.StartTime = ReadTime("startTime", request.StartTime, required: true);
                time.EndTime = ReadTime("endTime", request.EndTime, required: false);
                if (time.StartTime is { } s && time.EndTime is { } e && e <= s)
                {
                    Refuse("endTime", "The meeting cannot end before it starts: give an end time after the start time.");
                }
                // A time the clocks skip that day (the spring change) happens nowhere.
                foreach (var (name, at) in new[] { ("startTime", time.StartTime), ("endTime", time.EndTime) })
                {
                    if (tz is not null && time.StartDate != default && at is { } clock
                        && tz.MapLocal(LocalDate.FromDateOnly(time.StartDate).At(LocalTime.FromTimeOnly(clock))).Count == 0)
                    {
                        Refuse(name, $"{clock:HH:mm} does not exist in {zone} on {time.StartDate:yyyy-MM-dd}: the clocks skip it. Give a time an hour later.");
                    }
                }
                NotFor("endDate", request.EndDate);
                NotFor("month", request.Month);
                NotFor("week", request.Week);
                break;
            case TimePrecisions.Day:
            case TimePrecisions.Days:
                time.StartDate = ReadDate("date", request.Date, required: true) ?? default;
                if (precision == TimePrecisions.Days)
                {
                    time.EndDate = ReadDate("endDate", request.EndDate, required: true);
                    time.EndApproximate = request.EndApproximate == true;
                    if (time.EndDate is { } end && time.StartDate != default && end <= time.StartDate)
                    {
                        Refuse("endDate", "The last day must come after the first (a single day has the precision 'day').");
                    }
                }
                else
                {
                    NotFor("endDate", request.EndDate);
                }
                NotFor("startTime", request.StartTime);
                NotFor("endTime", request.EndTime);
                NotFor("month", request.Month);
                NotFor("week", request.Week);
                break;
            default:
                if (string.IsNullOrWhiteSpace(request.Month)
                    || !DateOnly.TryParseExact(request.Month.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
                    || month.Year is < 2000 or > 2100)
                {
                    Refuse("month", "Give the month, as YYYY-MM.");
                }
                else
                {
                    time.StartDate = month;
                }
                if (precision == TimePrecisions.Week)
                {
                    var week = request.Week?.Trim().ToLowerInvariant();
                    var index = week is null ? -1 : WeekNames.ToList().IndexOf(week);
                    if (index < 0)
                    {
                        Refuse("week", $"Say which week of the month: {string.Join(", ", WeekNames)}.");
                    }
                    else
                    {
                        time.Week = index + 1;
                    }
                }
                else
                {
                    NotFor("week", request.Week);
                }
                NotFor("date", request.Date);
                NotFor("endDate", request.EndDate);
                NotFor("startTime", request.StartTime);
                NotFor("endTime", request.EndTime);
                break;
        }
        return ok ? time : null;
    }

    /// <summary>A caller's value as an error message quotes it: at most 40 characters.</summary>
    internal static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    /// <summary>The time as a request would give it (for a form, or to send it back changed).</summary>
    public MeetingTimeRequest ToRequest() => new(
        Precision,
        Precision is TimePrecisions.Exact or TimePrecisions.Day or TimePrecisions.Days ? StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        EndDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        StartTime?.ToString("HH:mm", CultureInfo.InvariantCulture),
        EndTime?.ToString("HH:mm", CultureInfo.InvariantCulture),
        Precision is TimePrecisions.Week or TimePrecisions.Month ? StartDate.ToString("yyyy-MM", CultureInfo.InvariantCulture) : null,
        Week is { } w ? WeekNames[w - 1] : null,
        Zone,
        Precision == TimePrecisions.Days ? EndApproximate : null);
}

/// <summary>A meeting's time as an API caller gives it (see <see cref="TimePrecisions"/> for which fields each precision takes).</summary>
public sealed record MeetingTimeRequest(
    string? Precision, string? Date = null, string? EndDate = null, string? StartTime = null, string? EndTime = null,
    string? Month = null, string? Week = null, string? Zone = null, bool? EndApproximate = null);
