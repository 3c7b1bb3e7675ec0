using PocDirectory.Meetings.Schedule;

namespace PocDirectory.UnitTests;

/// <summary>The calendar files, read back by ical.js and python3-icalendar (<see cref="CalendarReaders"/>).</summary>
public sealed class CalendarFileTests
{
    private static List<Meeting> SeedMeetings() => SeedLetters.Meetings.Select(m => m.ToMeeting(DateTimeOffset.Parse("2022-12-15T15:00:00Z"))).ToList();

    [Fact]
    public async Task Both_readers_take_every_meeting_of_the_letters_at_its_time_with_its_zone_and_its_status()
    {
        var meetings = SeedMeetings();
        var ics = CalendarFiles.Publish(meetings, "OEWG meetings");
        foreach (var read in await CalendarReaders.ReadAsync(ics))
        {
            Assert.Equal("PUBLISH", read.Method);
            Assert.Equal([MeetingTime.NewYork], read.Zones);
            Assert.Equal(meetings.Count, read.Events.Count);
            foreach (var meeting in meetings)
            {
                var e = read.Events.Single(e => e.Uid == CalendarFiles.Uid(meeting));
                var because = $"{read.Reader}: {meeting.SeedKey}";
                Assert.True(meeting.Title == e.Summary, because);
                Assert.True(e.Sequence == 0, because);
                if (meeting.Time.Precision == TimePrecisions.Exact)
                {
                    Assert.True(e.Tzid == MeetingTime.NewYork, because);
                    Assert.True(meeting.StartsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'") == e.Start, $"{because}: {e.Start}");
                }
                else
                {
                    var (first, last) = meeting.Time.Days;
                    Assert.True(first.ToString("yyyy-MM-dd") == e.Start, $"{because}: {e.Start}");
                    Assert.True(last.AddDays(1).ToString("yyyy-MM-dd") == e.End, $"{because}: {e.End}");
                    // A week or a month not yet fixed does not fill the reader's days.
                    Assert.True(e.Transparent == meeting.Time.Precision is TimePrecisions.Week or TimePrecisions.Month || meeting.Time.EndApproximate, because);
                }
                Assert.True((meeting.Status == MeetingStatuses.Tentative ? "TENTATIVE" : "CONFIRMED") == e.Status, because);
            }
        }
    }

    [Fact]
    public async Task A_moved_meeting_keeps_its_UID_with_a_higher_sequence_and_a_cancelled_one_says_so()
    {
        var meeting = SeedMeetings().Single(m => m.SeedKey == "2024-01-10/briefing");
        new MeetingRequest(meeting.Kind, meeting.Title, null, meeting.Format, null, meeting.Audience, meeting.Status,
            new MeetingTimeRequest("exact", "2024-02-07", StartTime: "10:00", EndTime: "11:30", Zone: "Europe/Vienna"), meeting.Revision).ApplyTo(meeting, isNew: false);
        var moved = await CalendarReaders.ReadAsync(CalendarFiles.Publish([meeting], meeting.Title));
        meeting.Status = MeetingStatuses.Cancelled;
        meeting.Sequence++;
        var cancelled = await CalendarReaders.ReadAsync(CalendarFiles.Publish([meeting], meeting.Title));
        foreach (var read in moved)
        {
            var e = Assert.Single(read.Events);
            Assert.Equal((CalendarFiles.Uid(meeting), 1, "Europe/Vienna", "2024-02-07T09:00:00.000Z", "2024-02-07T10:30:00.000Z"), (e.Uid, e.Sequence, e.Tzid, e.Start, e.End));
            Assert.Equal(["Europe/Vienna"], read.Zones);
        }
        foreach (var read in cancelled)
        {
            var e = Assert.Single(read.Events);
            Assert.Equal((CalendarFiles.Uid(meeting), 2, "CANCELLED"), (e.Uid, e.Sequence, e.Status));
        }
    }

    [Fact]
    public async Task A_meeting_years_ahead_is_placed_by_the_zones_future_rules_in_both_readers()
    {
        var year = DateTime.UtcNow.Year + 5;
        var meeting = new Meeting { CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        new MeetingRequest("substantive-session", "A session years ahead", null, "hybrid", "Palais des Nations", ["public"], null,
            new MeetingTimeRequest("exact", $"{year}-07-14", StartTime: "10:00", EndTime: "13:00", Zone: "Europe/Zurich")).ApplyTo(meeting, isNew: true);
        foreach (var read in await CalendarReaders.ReadAsync(CalendarFiles.Publish([meeting], meeting.Title)))
        {
            var e = Assert.Single(read.Events);
            // Summer time in Zurich: UTC+2.
            Assert.Equal(($"{year}-07-14T08:00:00.000Z", $"{year}-07-14T11:00:00.000Z"), (e.Start, e.End));
        }
    }

    [Fact]
    public async Task A_calendar_of_meetings_in_New_York_and_Vienna_defines_each_zone_once_and_both_readers_place_each_meeting_in_its_own()
    {
        var newYork = new Meeting { CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        new MeetingRequest("substantive-session", "Eighth substantive session", null, "in-person", "Conference Room 4", ["public"], null,
            new MeetingTimeRequest("exact", "2024-07-08", StartTime: "10:00", EndTime: "13:00")).ApplyTo(newYork, isNew: true);
        var vienna = new Meeting { CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        new MeetingRequest("briefing", "Briefing in Vienna", null, "hybrid", "Vienna International Centre", ["public"], null,
            new MeetingTimeRequest("exact", "2024-02-07", StartTime: "10:00", EndTime: "11:30", Zone: "Europe/Vienna")).ApplyTo(vienna, isNew: true);
        var ics = CalendarFiles.Publish([newYork, vienna], "OEWG meetings");

        var lines = ics.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(2, lines.Count(l => l == "BEGIN:VTIMEZONE"));
        Assert.Single(lines, l => l == $"TZID:{MeetingTime.NewYork}");
        Assert.Single(lines, l => l == "TZID:Europe/Vienna");
        foreach (var read in await CalendarReaders.ReadAsync(ics))
        {
            Assert.Equal([MeetingTime.NewYork, "Europe/Vienna"], read.Zones);
            Assert.Equal(2, read.Events.Count);
            // 10.00 am in New York in July is 14:00 UTC (EDT); 10.00 am in Vienna in February is 09:00 UTC (CET).
            var inNewYork = read.Events.Single(e => e.Uid == CalendarFiles.Uid(newYork));
            Assert.Equal((MeetingTime.NewYork, "2024-07-08T14:00:00.000Z", "2024-07-08T17:00:00.000Z"), (inNewYork.Tzid, inNewYork.Start, inNewYork.End));
            var inVienna = read.Events.Single(e => e.Uid == CalendarFiles.Uid(vienna));
            Assert.Equal(("Europe/Vienna", "2024-02-07T09:00:00.000Z", "2024-02-07T10:30:00.000Z"), (inVienna.Tzid, inVienna.Start, inVienna.End));
        }
    }

    [Fact]
    public async Task An_invitation_and_its_cancellation_name_the_method_the_organizer_and_the_invitee_in_both_readers()
    {
        var meeting = new Meeting { CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        var year = DateTime.UtcNow.Year + 1;
        new MeetingRequest("townhall", "Virtual informal townhall meeting", null, "virtual", null, ["member-states", "observers"], null,
            new MeetingTimeRequest("exact", $"{year}-02-15", StartTime: "09:00", EndTime: "10:30")).ApplyTo(meeting, isNew: true);
        var organizer = new CalendarFiles.Person("oewg-chair@example.org", "Chair of the Open-ended Working Group");
        var mission = new CalendarFiles.Person("ny-mission@example.org", "Permanent Mission of the Niger to the United Nations");

        var request = CalendarFiles.Itip(meeting, "REQUEST", organizer, mission);
        meeting.Status = MeetingStatuses.Cancelled;
        meeting.Sequence++;
        var cancel = CalendarFiles.Itip(meeting, "CANCEL", organizer, mission);

        foreach (var (text, method, sequence, status) in new[] { (request, "REQUEST", 0, "CONFIRMED"), (cancel, "CANCEL", 1, "CANCELLED") })
        {
            // Notifications sends it as it is: one VCALENDAR whose METHOD is the one the MIME part will say.
            Assert.Null(PocDirectory.Notifications.IntegrationEvents.DeliveryLog.CalendarError(new() { Method = method, Text = text }));
            foreach (var read in await CalendarReaders.ReadAsync(text))
            {
                Assert.Equal(method, read.Method);
                Assert.Equal([MeetingTime.NewYork], read.Zones);
                var e = Assert.Single(read.Events);
                Assert.Equal((CalendarFiles.Uid(meeting), sequence, status), (e.Uid, e.Sequence, e.Status));
                Assert.Equal("mailto:oewg-chair@example.org", e.Organizer, ignoreCase: true);
                Assert.Equal("mailto:ny-mission@example.org", Assert.Single(e.Attendees), ignoreCase: true);
                // 9.00 am New York time in February: 14:00 UTC.
                Assert.Equal($"{year}-02-15T14:00:00.000Z", e.Start);
            }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => CalendarFiles.Itip(meeting, "PUBLISH", organizer, mission));
    }

    [Theory]
    [InlineData("REQUEST", "CANCEL", "not one VCALENDAR with METHOD:REQUEST")]
    [InlineData("REFRESH", "REFRESH", "not a calendar method this service sends")]
    public void Notifications_refuses_a_calendar_object_whose_method_is_not_the_one_it_would_announce(string announced, string written, string error)
    {
        var meeting = new Meeting { CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        new MeetingRequest("briefing", "A briefing", null, "virtual", null, ["member-states"], null,
            new MeetingTimeRequest("day", $"{DateTime.UtcNow.Year + 1}-03-01")).ApplyTo(meeting, isNew: true);
        var text = CalendarFiles.Itip(meeting, "CANCEL", new("a@example.org", "A"), new("b@example.org", "B")).Replace("METHOD:CANCEL", $"METHOD:{written}", StringComparison.Ordinal);
        Assert.Contains(error, PocDirectory.Notifications.IntegrationEvents.DeliveryLog.CalendarError(new() { Method = announced, Text = text }));
        Assert.Contains("at most", PocDirectory.Notifications.IntegrationEvents.DeliveryLog.CalendarError(
            new() { Method = "REQUEST", Text = text + new string('x', Contracts.Notifications.EmailCalendar.MaxLength) }));
    }
}

/// <summary>What a person's calendar feed holds, from the roles it was made with.</summary>
public sealed class CalendarFeedRulesTests
{
    private static PocDirectory.BuildingBlocks.ReferenceData.MemberStateCopy State(string iso3, string status) => new() { Iso3 = iso3, Name = iso3, UnStatus = status };

    private static string Holds(IReadOnlyCollection<string> roles, PocDirectory.BuildingBlocks.ReferenceData.MemberStateCopy? state)
    {
        var (all, audiences) = PocDirectory.Meetings.Feeds.CalendarFeed.For(roles, state);
        return all ? "all" : string.Join(" ", audiences);
    }

    [Fact]
    public void Each_role_holds_its_audiences_and_the_Chairs_office_and_the_Secretariat_hold_all()
    {
        Assert.Equal("all", Holds([Roles.ChairOffice], null));
        Assert.Equal("all", Holds([Roles.DirectoryManager], null));
        Assert.Equal("public member-states", Holds([Roles.Delegate], State("FRA", "Member")));
        Assert.Equal("public observers", Holds([Roles.Delegate], State("VAT", "Observer")));
        Assert.Equal("public member-states points-of-contact", Holds([Roles.FocalPoint, Roles.PointOfContact], State("KEN", "Member")));
        // A State-bound role whose State is not known (yet) holds only the public meetings; operations likewise.
        Assert.Equal("public", Holds([Roles.Delegate], null));
        Assert.Equal("public", Holds([Roles.Operations], null));
    }
}
