using System.Net;
using System.Net.Http.Json;
using MimeKit;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Invitations with calendar entries: the missions of a meeting's audience get METHOD:REQUEST, every change
/// an update of the same UID with a higher SEQUENCE, the cancellation METHOD:CANCEL; each read back from the
/// SMTP server by two calendar readers that share nothing with the writer.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class InvitationsTests(SystemFixture fixture)
{
    /// <summary>The calendar entries the SMTP server received for <paramref name="to"/>: the MIME part's method, the file, what both readers took from it.</summary>
    internal static async Task<List<(string PartMethod, string Text, IReadOnlyList<ReadCalendar> Read)>> EntriesToAsync(RunningSystem system, string to)
    {
        var entries = new List<(string, string, IReadOnlyList<ReadCalendar>)>();
        foreach (var message in await Mailbox.MessagesToAsync(system, to))
        {
            var part = message.BodyParts.OfType<TextPart>().SingleOrDefault(p => p.ContentType.MimeType == "text/calendar");
            if (part is not null)
            {
                // The bytes as sent (TextPart.Text would turn CRLF into this platform's line end).
                using var content = new MemoryStream();
                await part.Content!.DecodeToAsync(content);
                var text = System.Text.Encoding.UTF8.GetString(content.ToArray());
                Assert.Contains("\r\nEND:VCALENDAR", text, StringComparison.Ordinal);
                entries.Add((part.ContentType.Parameters["method"] ?? "", text, await CalendarReaders.ReadAsync(text)));
            }
        }
        return entries;
    }

    [Fact]
    public async Task The_missions_calendars_follow_a_meeting_invited_moved_twice_and_cancelled_and_an_observer_outside_its_audience_gets_nothing()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "invitations-dm", Roles.DirectoryManager));
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "invitations-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        var kenya = TestPerson.UniqueEmail("kenya-mission");
        var holySee = TestPerson.UniqueEmail("holy-see-mission");
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/KEN", new { emails = new[] { kenya } }), HttpStatusCode.OK);
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/VAT", new { emails = new[] { holySee } }), HttpStatusCode.OK);

        var title = $"Informal consultations {Guid.NewGuid():N}"[..34];
        var id = await MeetingsFlow.ScheduleAsync(system, chairToken, MeetingsFlow.ForMemberStates(title));
        // An invitation names the revision it announces.
        var missing = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { }), HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("revision", out _));
        Assert.Equal(HttpStatusCode.Conflict, (await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 9 })).StatusCode);

        var result = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 1 }), HttpStatusCode.OK);
        var invitees = result.GetProperty("invitees").EnumerateArray().ToList();
        Assert.Contains(invitees, i => i.GetProperty("email").GetString() == kenya && i.GetProperty("state").GetString() == "KEN");
        Assert.DoesNotContain(invitees, i => i.GetProperty("state").GetString() == "VAT"); // an observer State; the meeting is for Member States
        // Inviting again adds no one already invited.
        var again = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 1 }), HttpStatusCode.OK);
        Assert.Equal(invitees.Count, again.GetProperty("alreadyInvited").GetInt32());
        Assert.Single(again.GetProperty("invitees").EnumerateArray(), i => i.GetProperty("email").GetString() == kenya);

        await Mailbox.WaitForAsync(system, kenya, new(System.Text.RegularExpressions.Regex.Escape($"Subject: Invitation: {title}")));

        // Moved twice in quick succession: the mission's calendar ends at the second time.
        var year = DateTime.UtcNow.Year + 1;
        object Moved(string start, string end, int revision) => new
        {
            kind = "consultations-member-states", title, format = "virtual", audience = new[] { "member-states" }, status = "confirmed", revision,
            time = new { precision = "exact", date = $"{year}-03-02", startTime = start, endTime = end },
        };
        await MeetingsFlow.JsonAsync(await chair.PutAsJsonAsync($"/api/meetings/{id}", Moved("11:00", "13:00", 1)), HttpStatusCode.OK);
        var moved = await MeetingsFlow.JsonAsync(await chair.PutAsJsonAsync($"/api/meetings/{id}", Moved("15:00", "17:00", 2)), HttpStatusCode.OK);
        var cancelled = await MeetingsFlow.JsonAsync(
            await chair.PostAsJsonAsync($"/api/meetings/{id}/cancellation", new { revision = moved.GetProperty("revision").GetInt32(), reason = "The room is needed." }), HttpStatusCode.OK);
        var last = cancelled.GetProperty("sequence").GetInt32();

        // The cancellation is the last version: once it is there, every version is.
        var entries = await Eventually.Until(() => EntriesToAsync(system, kenya), e => e.Any(x => x.PartMethod == "CANCEL"), TimeSpan.FromMinutes(1), "the cancellation");
        entries = await Eventually.Until(() => EntriesToAsync(system, kenya), e => e.Count >= 4, TimeSpan.FromMinutes(1), "every version");
        Assert.Equal(4, entries.Count); // the invitation, two updates, the cancellation: one e-mail each, the second invitation sent nothing
        var uid = $"{id}@meetings.pocdirectory";
        var versions = entries.OrderBy(e => e.Read[0].Events[0].Sequence).ToList();
        Assert.Equal(["REQUEST", "REQUEST", "REQUEST", "CANCEL"], versions.Select(v => v.PartMethod));
        foreach (var (partMethod, text, read) in versions)
        {
            foreach (var reader in read)
            {
                // The MIME part's method is the file's; the UID never changes; the organizer and the mission are named.
                Assert.Equal(partMethod, reader.Method);
                var e = Assert.Single(reader.Events);
                Assert.Equal(uid, e.Uid);
                Assert.Equal($"mailto:{kenya}", Assert.Single(e.Attendees), ignoreCase: true);
                Assert.StartsWith("mailto:", e.Organizer);
                Assert.Equal(["America/New_York"], reader.Zones);
            }
        }
        var sequences = versions.Select(v => v.Read[0].Events[0].Sequence).ToList();
        Assert.Equal(sequences.Distinct().Count(), sequences.Count); // each version raises it
        Assert.Equal(last, sequences[^1]);
        // The highest REQUEST holds the last time (15.00 in New York in March, before summer time: 20:00 UTC), in both readers.
        foreach (var reader in versions[2].Read)
        {
            Assert.Equal(($"{year}-03-02T20:00:00.000Z", "CONFIRMED"), (reader.Events[0].Start, reader.Events[0].Status));
        }
        foreach (var reader in versions[3].Read)
        {
            Assert.Equal("CANCELLED", reader.Events[0].Status);
        }
        Assert.DoesNotContain(Mailbox.Texts(system), t => t.Contains($"X-RcptTo: {holySee}", StringComparison.OrdinalIgnoreCase));

        // A cancelled meeting invites no one again.
        Assert.Equal(HttpStatusCode.Conflict, (await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = cancelled.GetProperty("revision").GetInt32() })).StatusCode);
    }

    [Fact]
    public async Task A_meeting_in_the_past_or_not_yet_dated_or_for_no_State_is_not_invited_with_the_reason_at_its_field()
    {
        var system = fixture.System;
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "invitations-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        var past = await MeetingsFlow.ScheduleAsync(system, chairToken, new
        {
            kind = "townhall", title = "A townhall already held", format = "virtual", audience = new[] { "member-states" },
            time = new { precision = "day", date = $"{DateTime.UtcNow.Year - 1}-02-15" },
        });
        var undated = await MeetingsFlow.ScheduleAsync(system, chairToken, new
        {
            kind = "substantive-session", title = "A session in a month", format = "in-person", audience = new[] { "member-states" }, status = "tentative",
            time = new { precision = "month", month = $"{DateTime.UtcNow.Year + 1}-06" },
        });
        var forPublic = await MeetingsFlow.ScheduleAsync(system, chairToken, new
        {
            kind = "briefing", title = "A public briefing", format = "virtual", audience = new[] { "public" },
            time = new { precision = "day", date = $"{DateTime.UtcNow.Year + 1}-02-15" },
        });
        foreach (var (meeting, field, words) in new[] { (past, "time", "meetings ahead"), (undated, "time", "once its date is fixed"), (forPublic, "audience", "no States") })
        {
            var refused = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{meeting}/invitations", new { revision = 1 }), HttpStatusCode.BadRequest);
            Assert.Contains(words, refused.GetProperty("errors").GetProperty(field)[0].GetString());
            var list = await MeetingsFlow.JsonAsync(await chair.GetAsync($"/api/meetings/{meeting}/invitations"), HttpStatusCode.OK);
            Assert.Equal(0, list.GetArrayLength()); // nothing half-written
        }
    }
}
