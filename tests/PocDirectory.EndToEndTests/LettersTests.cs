using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PocDirectory.EndToEndTests;

/// <summary>The Chair's letters: written as a draft, sent once to every Permanent Mission through Notifications, archived as sent.</summary>
[Collection(SystemCollection.Name)]
public sealed class LettersTests(SystemFixture fixture)
{
    [Fact]
    public async Task A_letter_with_its_annexed_schedule_reaches_every_missions_addresses_once_and_the_archive_keeps_it_as_sent()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "letters-dm", Roles.DirectoryManager));
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "letters-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        using var anonymous = DirectoryFlow.Client(system, null);

        var chile = (First: TestPerson.UniqueEmail("chile-mission"), Second: TestPerson.UniqueEmail("chile-cyber"));
        var ghana = TestPerson.UniqueEmail("ghana-mission");
        var gone = $"{TestPerson.UniqueEmail("nepal-mission").Split('@')[0]}@mail.nowhere.invalid"; // the mail server refuses it
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/CHL", new { emails = new[] { chile.First, chile.Second } }), HttpStatusCode.OK);
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/GHA", new { emails = new[] { ghana } }), HttpStatusCode.OK);
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/NPL", new { emails = new[] { gone } }), HttpStatusCode.OK);

        var year = DateTime.UtcNow.Year + 1;
        var session = await MeetingsFlow.ScheduleAsync(system, chairToken, new
        {
            kind = "substantive-session", title = "Seventh Substantive Session of the OEWG", format = "in-person", audience = new[] { "member-states", "public" },
            time = new { precision = "days", date = $"{year}-03-09", endDate = $"{year}-03-13" },
        });
        // A public letter shows its annex to everyone: a meeting for States only is refused in it.
        var closed = await MeetingsFlow.ScheduleAsync(system, chairToken, MeetingsFlow.ForMemberStates("Closed consultations"));
        var refusedAnnex = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/letters", MeetingsFlow.Letter("Public", isPublic: true, annex: [closed])),
            HttpStatusCode.BadRequest);
        Assert.Contains("not on the public schedule", refusedAnnex.GetProperty("errors").GetProperty("annexMeetings")[0].GetString());
        var subject = $"The {year} schedule {Guid.NewGuid():N}"[..30];
        var id = await MeetingsFlow.DraftAsync(system, chairToken, MeetingsFlow.Letter(subject, isPublic: true, annex: [session]));

        // A draft is the Chair's office's alone.
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/meetings/letters/{id}")).StatusCode);
        // Sending names the revision that was read.
        Assert.Equal(HttpStatusCode.BadRequest, (await chair.PostAsJsonAsync($"/api/meetings/letters/{id}/sending", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await chair.PostAsJsonAsync($"/api/meetings/letters/{id}/sending", new { revision = 7 })).StatusCode);
        var sent = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/letters/{id}/sending", new { revision = 1 }), HttpStatusCode.OK);
        Assert.Equal("sent", sent.GetProperty("status").GetString());
        var delivery = sent.GetProperty("delivery");
        Assert.Equal(195, delivery.GetProperty("missions").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await chair.PostAsJsonAsync($"/api/meetings/letters/{id}/sending", new { revision = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await chair.PutAsJsonAsync($"/api/meetings/letters/{id}", MeetingsFlow.Letter("Too late"))).StatusCode);

        // Each address of each mission gets the letter.
        foreach (var address in new[] { chile.First, chile.Second, ghana })
        {
            await Mailbox.WaitForAsync(system, address, new Regex($"Subject: {Regex.Escape(subject)}"));
            Assert.Single(Mailbox.Texts(system), t => t.Contains($"X-RcptTo: {address}", StringComparison.OrdinalIgnoreCase));
        }

        // Chile acknowledges receipt through the link in one of its copies: the mission is marked, once; the other copy's link says so.
        var links = new List<string>();
        foreach (var address in new[] { chile.First, chile.Second })
        {
            // The letter's text is encoded for transport (quoted-printable): read as a mail client reads it.
            var text = Assert.Single(await Mailbox.MessagesToAsync(system, address)).TextBody ?? "";
            links.Add(Regex.Match(text, @"/letters/acknowledge\?token=([A-Za-z0-9_-]+)").Groups[1].Value);
        }
        Assert.All(links, l => Assert.True(l.Length > 40, "each copy carries its acknowledgement link"));
        Assert.NotEqual(links[0], links[1]); // a link of its own per copy
        var acknowledged = await MeetingsFlow.JsonAsync(await anonymous.PostAsJsonAsync("/api/meetings/letters/acknowledgements", new { token = links[0] }), HttpStatusCode.OK);
        Assert.Equal((id, subject), (acknowledged.GetProperty("letterId").GetGuid(), acknowledged.GetProperty("subject").GetString()));
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.PostAsJsonAsync("/api/meetings/letters/acknowledgements", new { token = links[1] })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsJsonAsync("/api/meetings/letters/acknowledgements", new { token = links[0][..^2] + "xx" })).StatusCode);
        var withAcknowledgement = await MeetingsFlow.JsonAsync(await chair.GetAsync($"/api/meetings/letters/{id}"), HttpStatusCode.OK);
        Assert.Equal(1, withAcknowledgement.GetProperty("delivery").GetProperty("acknowledged").GetInt32());
        Assert.All(withAcknowledgement.GetProperty("recipients").EnumerateArray().Where(r => r.GetProperty("state").GetString() == "CHL"),
            r => Assert.Equal(JsonValueKind.String, r.GetProperty("acknowledgedAt").ValueKind));

        // The address the mail server refused is marked so, beside its mission.
        await Eventually.Until(async () => await MeetingsFlow.JsonAsync(await chair.GetAsync($"/api/meetings/letters/{id}"), HttpStatusCode.OK),
            letter => letter.GetProperty("recipients").EnumerateArray().Any(r => r.GetProperty("state").GetString() == "NPL" && r.GetProperty("status").GetString() == "undeliverable"),
            TimeSpan.FromMinutes(1), "the refused address marked undeliverable");

        // The public reads it as sent, with its annexed schedule made from the meeting, without the delivery; it is in the public archive.
        var annexRow = new Regex($@"9 - 13 March {year}\tSeventh Substantive Session of the OEWG");
        var archived = await MeetingsFlow.JsonAsync(await anonymous.GetAsync($"/api/meetings/letters/{id}"), HttpStatusCode.OK);
        Assert.Contains("Excellency,", archived.GetProperty("text").GetString());
        Assert.Matches(annexRow, archived.GetProperty("text").GetString()!);
        Assert.Equal(JsonValueKind.Null, archived.GetProperty("recipients").ValueKind);
        var archive = await MeetingsFlow.JsonAsync(await anonymous.GetAsync("/api/meetings/letters"), HttpStatusCode.OK);
        Assert.Contains(archive.EnumerateArray(), l => l.GetProperty("id").GetGuid() == id);
        Assert.DoesNotContain(archive.EnumerateArray(), l => l.GetProperty("status").GetString() != "sent");

        // A restricted letter, once sent, is read by signed-in people only: the public neither reads it nor sees it in the archive.
        var restrictedSubject = $"Restricted {Guid.NewGuid():N}"[..24];
        var restricted = await MeetingsFlow.DraftAsync(system, chairToken, MeetingsFlow.Letter(restrictedSubject));
        await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/letters/{restricted}/sending", new { revision = 1 }), HttpStatusCode.OK);
        await Mailbox.WaitForAsync(system, ghana, new Regex($"Subject: {Regex.Escape(restrictedSubject)}"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/meetings/letters/{restricted}")).StatusCode);
        Assert.DoesNotContain((await MeetingsFlow.JsonAsync(await anonymous.GetAsync("/api/meetings/letters"), HttpStatusCode.OK)).EnumerateArray(),
            l => l.GetProperty("id").GetGuid() == restricted);
        using var delegateOfGhana = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "letters-gha", Roles.Delegate, "GHA"));
        var read = await MeetingsFlow.JsonAsync(await delegateOfGhana.GetAsync($"/api/meetings/letters/{restricted}"), HttpStatusCode.OK);
        Assert.Equal(restrictedSubject, read.GetProperty("subject").GetString());
        Assert.Contains((await MeetingsFlow.JsonAsync(await delegateOfGhana.GetAsync("/api/meetings/letters"), HttpStatusCode.OK)).EnumerateArray(),
            l => l.GetProperty("id").GetGuid() == restricted);
    }
}
