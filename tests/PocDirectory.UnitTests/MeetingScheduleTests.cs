using System.Text.RegularExpressions;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.UnitTests;

public sealed class MeetingScheduleTests
{
    /// <summary>A letter's text as read: runs of white space (the annex's table cells) as one space, the emphasis marks gone.</summary>
    private static string Normalized(string text) => Regex.Replace(text.Replace("**", "", StringComparison.Ordinal), @"\s+", " ");

    [Fact]
    public void Every_meeting_of_the_Chairs_letters_written_back_from_its_data_in_the_letters_words_is_the_letters_own_text()
    {
        var failures = new List<string>();
        foreach (var letter in SeedLetters.Letters)
        {
            var text = Normalized(letter.Text);
            var position = -1;
            foreach (var seed in SeedLetters.Meetings.Where(m => m.Letter == letter))
            {
                var expected = seed.Quote.Replace("{when}", seed.Time.Describe(letter.ScheduleStyle, letter.Date), StringComparison.Ordinal);
                var at = text.IndexOf(expected, StringComparison.Ordinal);
                if (at < 0)
                {
                    failures.Add($"{letter.Key}/{seed.Key}: the letter does not say \"{expected}\"");
                }
                else if (at < position)
                {
                    failures.Add($"{letter.Key}/{seed.Key}: comes before the row above it in the letter");
                }
                position = Math.Max(position, at);
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void The_2023_schedule_has_every_row_of_the_annex_and_nothing_else()
    {
        var annex = Normalized(SeedLetters.December2022.Text);
        annex = annex[(annex.IndexOf("DATE MEETING", StringComparison.Ordinal) + "DATE MEETING".Length)..annex.IndexOf(". . . . .", StringComparison.Ordinal)].Trim();
        var rows = SeedLetters.Meetings.Where(m => m.Letter == SeedLetters.December2022)
            .Select(m => m.Quote.Replace("{when}", m.Time.Describe(DateStyle.Annex), StringComparison.Ordinal));
        // The rows, one after the other, are the whole table.
        Assert.Equal(annex, string.Join(" ", rows));
        Assert.Equal(8, rows.Count());
    }

    [Fact]
    public void The_annex_a_letter_makes_from_the_meetings_is_the_annex_of_the_letter_of_15_December_2022()
    {
        var meetings = SeedLetters.Meetings.Where(m => m.Letter == SeedLetters.December2022).Select(m => m.ToMeeting(DateTimeOffset.UnixEpoch)).Reverse().ToList();
        var letter = new PocDirectory.Meetings.Letters.Letter
        {
            Date = new DateOnly(2022, 12, 15), Subject = "x", Body = "I have the honour …", AnnexTitle = "2023 OEWG Meeting Schedule",
            Enclosure = "Annex on 2023 OEWG Meeting Schedule", AnnexMeetings = meetings.Select(m => m.Id).ToList(),
        };
        static string Annex(string text)
        {
            var start = text.IndexOf("Annex to Chair’s Letter dated", StringComparison.Ordinal);
            var end = text.IndexOf(". . . . .", StringComparison.Ordinal);
            return text[start..(end < 0 ? text.Length : end)].Trim();
        }
        var composed = Normalized(PocDirectory.Meetings.Letters.LetterText.Compose(letter, meetings));
        Assert.Equal(Annex(Normalized(SeedLetters.December2022.Text)), Annex(composed));
        Assert.Contains("Enclosure: Annex on 2023 OEWG Meeting Schedule", composed);
        Assert.StartsWith("15 December 2022 Excellency, I have the honour", composed);
    }

    [Fact]
    public void The_seed_meetings_are_where_the_letters_put_them_in_New_York_time()
    {
        Meeting Seed(string key) => SeedLetters.Meetings.Single(m => $"{m.Letter.Key}/{m.Key}" == key).ToMeeting(DateTimeOffset.UnixEpoch);
        // 9.00 am in New York in February is 14:00 UTC (EST); a July day starts at 04:00 UTC (EDT).
        Assert.Equal(DateTimeOffset.Parse("2023-02-15T14:00:00Z"), Seed("2022-12-15/townhall").StartsAt);
        Assert.Equal(DateTimeOffset.Parse("2024-01-31T14:00:00Z"), Seed("2024-01-10/briefing").StartsAt);
        Assert.Equal(DateTimeOffset.Parse("2023-07-17T04:00:00Z"), Seed("2022-12-15/fifth-session").StartsAt);
        Assert.Equal(DateTimeOffset.Parse("2023-07-22T04:00:00Z"), Seed("2022-12-15/fifth-session").EndsAt);
        // The last week of January 2023 is its last seven days; the first week of February its first seven.
        Assert.Equal((new DateOnly(2023, 1, 25), new DateOnly(2023, 1, 31)), Seed("2022-12-15/background-paper").Time.Days);
        Assert.Equal((new DateOnly(2023, 2, 1), new DateOnly(2023, 2, 7)), Seed("2022-12-15/elements-paper").Time.Days);
        Assert.Equal((new DateOnly(2023, 6, 1), new DateOnly(2023, 6, 30)), Seed("2022-12-15/june-intersessional").Time.Days);
        Assert.Equal(MeetingStatuses.Tentative, Seed("2022-12-15/june-intersessional").Status);
        // The second substantive session, from 28 March to 1 April 2022: in New York, under daylight time from 13 March.
        Assert.Equal(DateTimeOffset.Parse("2022-03-28T04:00:00Z"), Seed("2021-12-17/second-session").StartsAt);
        Assert.Equal(DateTimeOffset.Parse("2022-04-02T04:00:00Z"), Seed("2021-12-17/second-session").EndsAt);
        Assert.Equal(14, SeedLetters.Meetings.Select(m => $"{m.Letter.Key}/{m.Key}").Distinct().Count());
    }

    [Theory]
    [InlineData("exact", "2023-02-15", null, "09:00", "12:30", "Wednesday, 15 February 2023, 9.00 am to 12.30 pm (NY Time)")]
    [InlineData("days", "2022-03-28", "2022-04-01", null, null, "28 March - 1 April 2022")]
    [InlineData("days", "2022-12-28", "2023-01-03", null, null, "28 December 2022 - 3 January 2023")]
    [InlineData("day", "2023-03-01", null, null, null, "Wednesday, 1 March 2023")]
    public void A_time_reads_as_the_annex_of_a_letter_would_write_it(string precision, string date, string? end, string? startTime, string? endTime, string expected)
    {
        var errors = new FieldErrors();
        var time = MeetingTime.Parse(new MeetingTimeRequest(precision, date, end, startTime, endTime), errors);
        Assert.False(errors.Any);
        Assert.Equal(expected, time!.Describe());
    }

    [Fact]
    public void A_time_in_another_zone_is_named_by_its_city_and_placed_at_its_own_offset()
    {
        var errors = new FieldErrors();
        var time = MeetingTime.Parse(new MeetingTimeRequest("exact", "2026-07-06", StartTime: "10:00", Zone: "Europe/Zurich"), errors)!;
        Assert.False(errors.Any);
        Assert.Equal("Monday, 6 July 2026, 10.00 am (Zurich Time)", time.Describe());
        Assert.Equal("2026-07-06T08:00:00Z", time.Instants.Start.ToString());
    }

    private static IDictionary<string, string[]> Refused(MeetingTimeRequest request)
    {
        var errors = new FieldErrors();
        Assert.Null(MeetingTime.Parse(request, errors));
        return Assert.Throws<FieldErrorsException>(errors.ThrowIfAny).Errors;
    }

    [Fact]
    public void A_time_that_cannot_be_is_refused_field_by_field_every_error_at_once()
    {
        var errors = Refused(new MeetingTimeRequest("exact", "2023-02-30", StartTime: "25:00", Zone: "America/Gotham"));
        Assert.Equal(["time.date", "time.startTime", "time.zone"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("America/Gotham", errors["time.zone"][0]);

        var backwards = Refused(new MeetingTimeRequest("exact", "2023-02-15", StartTime: "12:00", EndTime: "09:00"));
        Assert.Equal("The meeting cannot end before it starts: give an end time after the start time.", Assert.Single(backwards["time.endTime"]));

        var span = Refused(new MeetingTimeRequest("days", "2023-03-10", "2023-03-06"));
        Assert.Contains("after the first", Assert.Single(span["time.endDate"]));

        var week = Refused(new MeetingTimeRequest("week", Month: "2023-02", Week: "fifth", StartTime: "09:00"));
        Assert.Equal(["time.startTime", "time.week"], week.Keys.Order(StringComparer.Ordinal));

        // 2.30 am on 9 March 2031 does not exist in New York: the clocks go from 2.00 to 3.00.
        var skipped = Refused(new MeetingTimeRequest("exact", "2031-03-09", StartTime: "02:30"));
        Assert.Contains("the clocks skip it", Assert.Single(skipped["time.startTime"]));
        Assert.Contains("time.startTime", Refused(new MeetingTimeRequest("exact", "2031-03-10", StartTime: "09:00:30")).Keys);

        Assert.Contains("time.precision", Refused(new MeetingTimeRequest("soon")).Keys);
        Assert.Contains("time.month", Refused(new MeetingTimeRequest("month", Month: "June")).Keys);
    }

    [Fact]
    public void A_request_for_a_meeting_is_refused_with_every_field_error_and_changes_nothing()
    {
        var meeting = SeedLetters.Meetings.Single(m => m.Key == "townhall").ToMeeting(DateTimeOffset.UnixEpoch);
        var before = (meeting.Title, meeting.Sequence, meeting.StartsAt);
        var request = new MeetingRequest("party", new string('x', 301), null, "virtual", "Conference Room 4", ["everyone"], "cancelled",
            new MeetingTimeRequest("exact", "2023-02-15", StartTime: "09:00"), Revision: 1);
        var errors = Assert.Throws<FieldErrorsException>(() => request.ApplyTo(meeting, isNew: false)).Errors;
        Assert.Equal(["audience", "kind", "room", "status", "title"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(before, (meeting.Title, meeting.Sequence, meeting.StartsAt));

        // A null in the audience, control characters in the text: field errors, not failures.
        var odd = new MeetingRequest("briefing", "Line\u0000break", "Fine\nwith a line break\u0007", null, null, ["public", null!], null,
            new MeetingTimeRequest("day", "2031-01-31"), Revision: 1);
        var oddErrors = Assert.Throws<FieldErrorsException>(() => odd.ApplyTo(meeting, isNew: false)).Errors;
        Assert.Equal(["audience", "description", "title"], oddErrors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_change_of_time_or_place_raises_the_sequence_and_a_change_of_wording_does_not()
    {
        var meeting = SeedLetters.Meetings.Single(m => m.Key == "townhall").ToMeeting(DateTimeOffset.UnixEpoch);
        MeetingRequest Request(string title, string format, string start) => new(meeting.Kind, title, null, format, null, meeting.Audience, "confirmed",
            new MeetingTimeRequest("exact", "2023-02-15", StartTime: start), meeting.Revision);

        Request("A new title", "virtual", "09:00").ApplyTo(meeting, isNew: false);
        Assert.Equal(0, meeting.Sequence);
        Request("A new title", "virtual", "10:00").ApplyTo(meeting, isNew: false);
        Assert.Equal(1, meeting.Sequence);
        Assert.Equal(DateTimeOffset.Parse("2023-02-15T15:00:00Z"), meeting.StartsAt);
        Request("A new title", "hybrid", "10:00").ApplyTo(meeting, isNew: false);
        Assert.Equal(2, meeting.Sequence);
    }
}
