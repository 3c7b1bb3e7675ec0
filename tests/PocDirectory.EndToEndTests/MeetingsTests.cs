using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PocDirectory.EndToEndTests;

/// <summary>The schedule through the gateway: the Chair's office schedules, changes and cancels; the public and every calendar follow.</summary>
[Collection(SystemCollection.Name)]
public sealed class MeetingsTests(SystemFixture fixture)
{
    [Fact]
    public async Task A_public_meeting_scheduled_moved_and_cancelled_reaches_the_public_schedule_and_every_calendar_at_its_last_version()
    {
        var system = fixture.System;
        var chair = await DirectoryFlow.TokenOfAsync(system, "meetings-chair", Roles.ChairOffice);
        var title = $"Sixth substantive session {Guid.NewGuid():N}"[..40];
        var year = DateTime.UtcNow.Year + 1;
        var id = await MeetingsFlow.ScheduleAsync(system, chair, new
        {
            kind = "substantive-session", title, format = "in-person", room = "Conference Room 4",
            audience = new[] { "member-states", "observers", "stakeholders", "public" },
            time = new { precision = "days", date = $"{year}-07-06", endDate = $"{year}-07-10" },
        });
        using var anonymous = DirectoryFlow.Client(system, null);

        var schedule = await MeetingsFlow.JsonAsync(await anonymous.GetAsync($"/api/meetings/schedule?year={year}&kind=substantive-session"), HttpStatusCode.OK);
        var listed = schedule.EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == id);
        Assert.Equal($"6 - 10 July {year}", listed.GetProperty("when").GetString());
        Assert.DoesNotContain(schedule.EnumerateArray(), m => m.GetProperty("kind").GetString() != "substantive-session");

        // Moved to an exact time: a new version (SEQUENCE 1) of the same event.
        using var http = DirectoryFlow.Client(system, chair);
        var moved = await MeetingsFlow.JsonAsync(await http.PutAsJsonAsync($"/api/meetings/{id}", new
        {
            kind = "substantive-session", title, format = "in-person", room = "Conference Room 4",
            audience = new[] { "member-states", "observers", "stakeholders", "public" },
            time = new { precision = "exact", date = $"{year}-07-13", startTime = "10:00", endTime = "13:00" },
            revision = 1,
        }), HttpStatusCode.OK);
        Assert.Equal(1, moved.GetProperty("sequence").GetInt32());
        Assert.Equal(2, moved.GetProperty("revision").GetInt32());

        // A change made from the old revision would undo the move unseen: refused.
        var stale = await MeetingsFlow.JsonAsync(await http.PutAsJsonAsync($"/api/meetings/{id}", new
        {
            kind = "substantive-session", title = "Stale", format = "in-person", audience = new[] { "public" },
            time = new { precision = "day", date = $"{year}-07-06" }, revision = 1,
        }), HttpStatusCode.Conflict);
        Assert.Contains("revision 1", stale.GetProperty("detail").GetString());

        using (var file = await anonymous.GetAsync($"/api/meetings/{id}.ics"))
        {
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("text/calendar", file.Content.Headers.ContentType!.MediaType);
            foreach (var read in await CalendarReaders.ReadAsync(await file.Content.ReadAsStringAsync()))
            {
                var e = Assert.Single(read.Events);
                var expectedStart = new DateTimeOffset(year, 7, 13, 14, 0, 0, TimeSpan.Zero); // 10.00 in New York in July (EDT)
                Assert.Equal((title, 1, "America/New_York", expectedStart.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'")), (e.Summary, e.Sequence, e.Tzid, e.Start));
            }
        }

        // The feed as a calendar application polls it: kept by the service, and 304 to the same tag until the schedule changes.
        string tagBefore;
        using (var first = await anonymous.GetAsync($"/api/meetings/schedule.ics?year={year}"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            tagBefore = first.Headers.ETag!.ToString();
            Assert.Contains(title, await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var polled = new HttpRequestMessage(HttpMethod.Get, $"/api/meetings/schedule.ics?year={year}"))
        {
            polled.Headers.TryAddWithoutValidation("If-None-Match", tagBefore);
            using var notModified = await anonymous.SendAsync(polled);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }
        var cancelled = await MeetingsFlow.JsonAsync(await http.PostAsJsonAsync($"/api/meetings/{id}/cancellation", new { revision = 2, reason = "The General Assembly hall is closed." }),
            HttpStatusCode.OK);
        Assert.Equal(("cancelled", 2), (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("sequence").GetInt32()));
        var again = await MeetingsFlow.JsonAsync(await http.PutAsJsonAsync($"/api/meetings/{id}", new { revision = 3 }), HttpStatusCode.Conflict);
        Assert.Equal("The meeting is cancelled.", again.GetProperty("title").GetString());

        // The public feed still holds it, cancelled, so that subscribed calendars drop it.
        using var changedPoll = new HttpRequestMessage(HttpMethod.Get, $"/api/meetings/schedule.ics?year={year}");
        changedPoll.Headers.TryAddWithoutValidation("If-None-Match", tagBefore);
        using var feed = await anonymous.SendAsync(changedPoll);
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode); // changed since: the whole feed again, with a new tag
        Assert.NotEqual(tagBefore, feed.Headers.ETag!.ToString());
        foreach (var read in await CalendarReaders.ReadAsync(await feed.Content.ReadAsStringAsync()))
        {
            var e = read.Events.Single(e => e.Summary == title);
            Assert.Equal(("CANCELLED", 2), (e.Status, e.Sequence));
        }
    }

    [Fact]
    public async Task A_meeting_that_cannot_be_is_refused_field_by_field_and_nothing_is_scheduled()
    {
        var system = fixture.System;
        var chair = await DirectoryFlow.TokenOfAsync(system, "meetings-chair-bad", Roles.ChairOffice);
        using var http = DirectoryFlow.Client(system, chair);
        var title = $"Refused {Guid.NewGuid():N}";
        var problem = await MeetingsFlow.JsonAsync(await http.PostAsJsonAsync("/api/meetings", new
        {
            kind = "townhall", title, format = "virtual", room = "Conference Room 1", audience = new[] { "public" },
            time = new { precision = "exact", date = "2031-02-15", startTime = "12:00", endTime = "09:00", zone = "America/Gotham" },
        }), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["room", "time.endTime", "time.zone"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal("application/problem+json", (await http.PostAsJsonAsync("/api/meetings", new { })).Content.Headers.ContentType!.MediaType);

        var all = await MeetingsFlow.JsonAsync(await http.GetAsync("/api/meetings?year=2031"), HttpStatusCode.OK);
        Assert.DoesNotContain(all.EnumerateArray(), m => m.GetProperty("title").GetString() == title);
        var badFilter = await MeetingsFlow.JsonAsync(await http.GetAsync("/api/meetings/schedule?year=soon&kind=party"), HttpStatusCode.BadRequest);
        Assert.Equal(["kind", "year"], badFilter.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_meetings_API_describes_itself_without_a_token()
    {
        using var anonymous = DirectoryFlow.Client(fixture.System, null);
        var document = await MeetingsFlow.JsonAsync(await anonymous.GetAsync("/api/meetings/openapi/meetings.json"), HttpStatusCode.OK);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/meetings/schedule", paths);
        Assert.Contains("/api/meetings/schedule.ics", paths);
        Assert.Contains("/api/meetings/{id}.ics", paths);
    }
}
