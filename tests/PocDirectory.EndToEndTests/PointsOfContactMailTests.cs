using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The Chair's e-mails to every point of contact: the Meetings service never holds their addresses; the Directory
/// sends each of them the letter, or the meeting's calendar entry and its later versions, and says how many it reached.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PointsOfContactMailTests(SystemFixture fixture)
{
    [Fact]
    public async Task A_letter_sent_also_to_the_points_of_contact_reaches_a_listed_one_through_the_Directory_without_a_missions_acknowledgement_link()
    {
        var system = fixture.System;
        var managerToken = await DirectoryFlow.TokenOfAsync(system, "poc-letter-dm", Roles.DirectoryManager);
        using var manager = DirectoryFlow.Client(system, managerToken);
        var pocEmail = TestPerson.UniqueEmail("poc-letter");
        await DirectoryFlow.ListAsync(system, await DirectoryFlow.TokenOfAsync(system, "poc-letter-fp", Roles.FocalPoint, "MNG"), managerToken, "MNG", "Batbayar Dorj", pocEmail);
        var mongolia = TestPerson.UniqueEmail("mongolia-mission");
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/MNG", new { emails = new[] { mongolia } }), HttpStatusCode.OK);

        var chairToken = await DirectoryFlow.TokenOfAsync(system, "poc-letter-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        var subject = $"To every point of contact {Guid.NewGuid():N}"[..40];
        var id = await MeetingsFlow.DraftAsync(system, chairToken, MeetingsFlow.Letter(subject));
        var sent = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/letters/{id}/sending", new { revision = 1, pointsOfContact = true }), HttpStatusCode.OK);
        Assert.True(sent.GetProperty("delivery").GetProperty("pointsOfContact").GetBoolean());

        // (The point of contact's mailbox also holds the e-mails of its nomination.)
        var copy = await Eventually.Until(async () => (await Mailbox.MessagesToAsync(system, pocEmail)).SingleOrDefault(m => m.Subject == subject),
            m => m is not null, TimeSpan.FromSeconds(60), "the point of contact's copy");
        Assert.Contains("I have the honour of addressing you", copy!.TextBody ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("acknowledge", copy.TextBody ?? "", StringComparison.OrdinalIgnoreCase);
        // The mission's copy still carries its own acknowledgement link.
        var missionCopy = await Eventually.Until(async () => (await Mailbox.MessagesToAsync(system, mongolia)).SingleOrDefault(), m => m is not null, TimeSpan.FromSeconds(60), "the mission's copy");
        Assert.Contains("/letters/acknowledge?token=", missionCopy!.TextBody ?? "", StringComparison.Ordinal);

        // The Directory's count comes back to the letter (every listed point of contact, this one included).
        var delivery = await Eventually.Until(
            async () => (await MeetingsFlow.JsonAsync(await chair.GetAsync($"/api/meetings/letters/{id}"), HttpStatusCode.OK)).GetProperty("delivery"),
            d => d.GetProperty("pointsOfContactReached").ValueKind == System.Text.Json.JsonValueKind.Number, TimeSpan.FromSeconds(60), "the count of points of contact");
        Assert.True(delivery.GetProperty("pointsOfContactReached").GetInt32() >= 1);

        // A letter sent without them reaches no point of contact.
        var otherSubject = $"Missions only {Guid.NewGuid():N}"[..26];
        var other = await MeetingsFlow.DraftAsync(system, chairToken, MeetingsFlow.Letter(otherSubject));
        var missionsOnly = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/letters/{other}/sending", new { revision = 1 }), HttpStatusCode.OK);
        Assert.False(missionsOnly.GetProperty("delivery").GetProperty("pointsOfContact").GetBoolean());
        await Eventually.Until(async () => (await Mailbox.MessagesToAsync(system, mongolia)).Count, n => n == 2, TimeSpan.FromSeconds(60), "the mission's second letter");
        Assert.DoesNotContain(await Mailbox.MessagesToAsync(system, pocEmail), m => m.Subject == otherSubject);
    }

    [Fact]
    public async Task A_meeting_of_points_of_contact_puts_one_calendar_entry_in_their_calendars_that_follows_its_change_and_cancellation()
    {
        var system = fixture.System;
        var managerToken = await DirectoryFlow.TokenOfAsync(system, "poc-meeting-dm", Roles.DirectoryManager);
        var pocEmail = TestPerson.UniqueEmail("poc-meeting");
        await DirectoryFlow.ListAsync(system, await DirectoryFlow.TokenOfAsync(system, "poc-meeting-fp", Roles.FocalPoint, "NAM"), managerToken, "NAM", "Ndapewa Shikongo", pocEmail);
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "poc-meeting-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        var title = $"POC 101 tutorial {Guid.NewGuid():N}"[..28];
        var year = DateTime.UtcNow.Year + 1;
        object Meeting(string start, string end, int? revision = null) => new
        {
            kind = "poc-meeting", title, format = "virtual", audience = new[] { "points-of-contact" }, status = "confirmed", revision,
            time = new { precision = "exact", date = $"{year}-04-14", startTime = start, endTime = end },
        };
        var id = await MeetingsFlow.ScheduleAsync(system, chairToken, Meeting("09:00", "10:30"));

        var invited = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 1 }), HttpStatusCode.OK);
        Assert.True(invited.GetProperty("pointsOfContactInvitedNow").GetBoolean());
        Assert.Equal(0, invited.GetProperty("invited").GetInt32()); // no mission: the audience holds no State
        // Asked again, nobody is invited twice.
        var again = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 1 }), HttpStatusCode.OK);
        Assert.False(again.GetProperty("pointsOfContactInvitedNow").GetBoolean());
        Assert.True(again.GetProperty("pointsOfContactInvited").GetBoolean());

        await Mailbox.WaitForAsync(system, pocEmail, new(Regex.Escape($"Subject: Invitation: {title}")));
        var moved = await MeetingsFlow.JsonAsync(await chair.PutAsJsonAsync($"/api/meetings/{id}", Meeting("14:00", "15:30", revision: 1)), HttpStatusCode.OK);
        await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/cancellation", new { revision = moved.GetProperty("revision").GetInt32() }), HttpStatusCode.OK);

        var entries = await Eventually.Until(() => InvitationsTests.EntriesToAsync(system, pocEmail), e => e.Count == 3, TimeSpan.FromSeconds(60), "three calendar entries");
        var events = entries.Select(e =>
        {
            Assert.Equal("PUBLISH", e.PartMethod);
            Assert.Equal(2, e.Read.Count);
            Assert.All(e.Read, r => Assert.Equal("PUBLISH", r.Method));
            // Both readers take the same event from the file, which names no attendee (one file for every point of contact).
            var read = e.Read.Select(r => Assert.Single(r.Events)).ToList();
            Assert.Equal(read[0].Uid, read[1].Uid);
            Assert.All(read, r => Assert.Empty(r.Attendees));
            return read[0];
        }).OrderBy(e => e.Sequence).ToList();
        Assert.Single(events.Select(e => e.Uid).Distinct());
        Assert.Equal(3, events.Select(e => e.Sequence).Distinct().Count());
        Assert.Equal($"{year}-04-14T13:00:00.000Z", events[0].Start); // 9.00 in New York, summer time
        Assert.Equal($"{year}-04-14T18:00:00.000Z", events[1].Start);
        Assert.Equal("CANCELLED", events[2].Status);
        Assert.Contains(await Mailbox.MessagesToAsync(system, pocEmail), m => (m.TextBody ?? "").StartsWith("Dear Ndapewa Shikongo,", StringComparison.Ordinal));

        // The Chair's office sees that they were invited and how many the latest version reached; a delegate does not.
        var seen = await Eventually.Until(
            async () => await MeetingsFlow.JsonAsync(await chair.GetAsync($"/api/meetings/{id}"), HttpStatusCode.OK),
            m => m.GetProperty("pointsOfContactReached").ValueKind == System.Text.Json.JsonValueKind.Number, TimeSpan.FromSeconds(60), "the count");
        Assert.True(seen.GetProperty("pointsOfContactInvited").GetBoolean());
        using var delegateOfNamibia = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "poc-meeting-delegate", Roles.Delegate, "NAM"));
        var forDelegate = await MeetingsFlow.JsonAsync(await delegateOfNamibia.GetAsync($"/api/meetings/{id}"), HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, forDelegate.GetProperty("pointsOfContactReached").ValueKind);
    }
}
