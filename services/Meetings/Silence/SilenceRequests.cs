using System.Globalization;
using NodaTime;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Silence;

/// <summary>A proposal placed under silence: its subject, its text, and the exact expiry as a date and a time of day in a zone (New York unless said).</summary>
public sealed record SilenceRequest(string? Subject, string? Proposal, string? ExpiryDate, string? ExpiryTime, string? Zone = null, bool? IsPublic = null);

/// <summary>A later expiry, with the revision of the procedure that was read and an optional word to the missions.</summary>
public sealed record ExtensionRequest(int? Revision, string? ExpiryDate, string? ExpiryTime, string? Note = null);

/// <summary>The withdrawal of a proposal, or the announcement of a broken silence: the revision read and an optional word to the missions.</summary>
public sealed record ChairNoteRequest(int? Revision, string? Note = null);

/// <summary>A State's written objection: its letter, the paragraphs it concerns ("3, 5-6"; none for the whole text) and any amendment.</summary>
public sealed record ObjectionRequest(string? Letter, string? Paragraphs = null, string? Amendment = null);

/// <summary>The checks of what the Chair's office and the delegates write: every field error at once.</summary>
public static class SilenceRules
{
    /// <summary>At most 250 characters, so that every letter's subject made around it ("Withdrawal of the proposal under silence: …") fits the letters' 300.</summary>
    public const int SubjectLength = 250;
    public const int ProposalLength = 50_000;
    public const int LetterLength = 20_000;
    public const int NoteLength = 5_000;
    public const int ParagraphsLength = 200;

    /// <summary>The shortest silence: <c>Meetings:SilenceMinimumHours</c>, 72 hours by default (General Assembly decision 74/544).</summary>
    public static TimeSpan Minimum(IConfiguration configuration) =>
        TimeSpan.FromHours(Math.Max(0, configuration.GetValue("Meetings:SilenceMinimumHours", 72.0)));

    /// <summary>A text field trimmed, its line breaks made \n; an error when required and missing, too long, or with control characters.</summary>
    public static string? Text(FieldErrors errors, string field, string? value, int length, bool required, bool lines, string missing)
    {
        var text = string.IsNullOrWhiteSpace(value) ? null : value.Trim().ReplaceLineEndings("\n");
        if (text is null)
        {
            if (required)
            {
                errors.Add(field, missing);
            }
            return null;
        }
        if (text.Length > length)
        {
            errors.Add(field, $"It is {text.Length} characters long; at most {length} fit.");
        }
        if (text.Any(c => char.IsControl(c) && !(lines && c is '\n' or '\t')))
        {
            errors.Add(field, lines ? "Remove the control characters: only line breaks and tabs are kept." : "Write it on one line, without control characters.");
        }
        return text;
    }

    /// <summary>
    /// The instant of a date and a time of day in a zone, or null with the errors under <c>expiryDate</c>, <c>expiryTime</c>
    /// and <c>zone</c>. A time the clocks skip, or one they pass twice that day, is refused: an expiry must be one instant.
    /// </summary>
    public static (DateTimeOffset At, string Zone)? Expiry(FieldErrors errors, string? date, string? time, string? zone)
    {
        var zoneId = string.IsNullOrWhiteSpace(zone) ? MeetingTime.NewYork : zone.Trim();
        var tz = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
        if (tz is null)
        {
            errors.Add("zone", $"'{MeetingTime.Shorten(zoneId)}' is not a time zone. Give an IANA zone such as America/New_York.");
        }
        DateOnly day = default;
        if (string.IsNullOrWhiteSpace(date))
        {
            errors.Add("expiryDate", "Give the day silence expires, as YYYY-MM-DD.");
        }
        else if (!DateOnly.TryParseExact(date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day) || day.Year is < 2000 or > 2100)
        {
            errors.Add("expiryDate", $"'{MeetingTime.Shorten(date)}' is not a date between 2000 and 2100 written as YYYY-MM-DD.");
            day = default;
        }
        TimeOnly clock = default;
        var clockRead = false;
        if (string.IsNullOrWhiteSpace(time))
        {
            errors.Add("expiryTime", "Give the time of day silence expires, as HH:MM on a 24-hour clock (18:00 for 6 pm).");
        }
        else if (!TimeOnly.TryParseExact(time.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out clock))
        {
            errors.Add("expiryTime", $"'{MeetingTime.Shorten(time)}' is not a time of day written as HH:MM (24-hour clock), or HH:MM:SS.");
        }
        else
        {
            clockRead = true;
        }
        if (tz is null || day == default || !clockRead)
        {
            return null;
        }
        var mapping = tz.MapLocal(LocalDate.FromDateOnly(day).At(LocalTime.FromTimeOnly(clock)));
        if (mapping.Count != 1)
        {
            errors.Add("expiryTime", mapping.Count == 0
                ? $"{clock:HH:mm} does not exist in {zoneId} on {day:yyyy-MM-dd}: the clocks skip it. Give another time."
                : $"{clock:HH:mm} happens twice in {zoneId} on {day:yyyy-MM-dd}, when the clocks go back. Give another time, so that the expiry is one instant.");
            return null;
        }
        return (mapping.Single().ToDateTimeOffset().ToUniversalTime(), zoneId);
    }

    /// <summary>
    /// The paragraphs an objection concerns, as numbers and ranges of the proposal's paragraphs ("3, 5-6"), written back
    /// in order; an error names what is not one of them.
    /// </summary>
    public static string? Paragraphs(FieldErrors errors, string? value, int count)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var chosen = new SortedSet<int>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            if (range.Length is 1 or 2 && range.All(r => int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                var from = int.Parse(range[0], CultureInfo.InvariantCulture);
                var to = int.Parse(range[^1], CultureInfo.InvariantCulture);
                if (from >= 1 && to <= count && from <= to)
                {
                    for (var p = from; p <= to; p++)
                    {
                        chosen.Add(p);
                    }
                    continue;
                }
            }
            errors.Add("paragraphs", $"'{MeetingTime.Shorten(part)}' is not a paragraph of the proposal: it has paragraphs 1 to {count}. Write numbers and ranges such as 3, 5-6.");
            return null;
        }
        var written = chosen.Count == 0 ? null : string.Join(", ", Ranges(chosen));
        if (written?.Length > ParagraphsLength)
        {
            errors.Add("paragraphs", $"Written as ranges, these paragraphs take {written.Length} characters; at most {ParagraphsLength} fit. Object to the whole text, or name fewer.");
            return null;
        }
        return written;
    }

    private static IEnumerable<string> Ranges(SortedSet<int> numbers)
    {
        int? start = null, last = null;
        foreach (var n in numbers)
        {
            if (last is { } l && n == l + 1)
            {
                last = n;
                continue;
            }
            if (start is { } s)
            {
                yield return s == last ? $"{s}" : $"{s}-{last}";
            }
            start = last = n;
        }
        if (start is { } first)
        {
            yield return first == last ? $"{first}" : $"{first}-{last}";
        }
    }
}
