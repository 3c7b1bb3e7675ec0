using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace PocDirectory.EndToEndTests;

/// <summary>Delegates register their State's participants; the join link goes to them alone, when it comes.</summary>
[Collection(SystemCollection.Name)]
public sealed class RegistrationTests(SystemFixture fixture)
{
    [Fact]
    public async Task Delegates_register_within_the_limits_see_only_their_State_and_the_participants_get_the_link_when_it_comes()
    {
        var system = fixture.System;
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "registration-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        using var france = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "registration-fra", Roles.Delegate, "FRA"));
        using var kenya = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "registration-ken", Roles.Delegate, "KEN"));
        var year = DateTime.UtcNow.Year + 1;
        object Meeting(string? link, int revision) => new
        {
            kind = "briefing", title = "Informal virtual briefing on the directory", format = "virtual", audience = new[] { "member-states" },
            time = new { precision = "exact", date = $"{year}-01-31", startTime = "09:00", endTime = "10:30" },
            registrationOpen = true, capacity = 3, perDelegation = 2, joinLink = link, revision,
        };
        var id = await MeetingsFlow.ScheduleAsync(system, chairToken, Meeting(null, 1));

        object Participant(string email, string attendance = "online") => new { fullName = "A. Delegate", function = "Counsellor, Permanent Mission", email, attendance };
        var (first, second, third) = (TestPerson.UniqueEmail("fra-1"), TestPerson.UniqueEmail("fra-2"), TestPerson.UniqueEmail("fra-3"));
        var kenyan = TestPerson.UniqueEmail("ken-1");

        var refused = await MeetingsFlow.JsonAsync(await france.PostAsJsonAsync($"/api/meetings/{id}/registrations", Participant(first, "in-person")), HttpStatusCode.BadRequest);
        Assert.Equal("The meeting is virtual: participants attend online.", refused.GetProperty("errors").GetProperty("attendance")[0].GetString());
        await MeetingsFlow.JsonAsync(await france.PostAsJsonAsync($"/api/meetings/{id}/registrations", Participant(first)), HttpStatusCode.Created);
        await MeetingsFlow.JsonAsync(await france.PostAsJsonAsync($"/api/meetings/{id}/registrations", Participant(second)), HttpStatusCode.Created);
        var complete = await MeetingsFlow.JsonAsync(await france.PostAsJsonAsync($"/api/meetings/{id}/registrations", Participant(third)), HttpStatusCode.Conflict);
        Assert.Equal("The delegation is complete.", complete.GetProperty("title").GetString());
        var kenyaRegistration = await MeetingsFlow.JsonAsync(await kenya.PostAsJsonAsync($"/api/meetings/{id}/registrations", Participant(kenyan)), HttpStatusCode.Created);
        var full = await MeetingsFlow.JsonAsync(await kenya.PostAsJsonAsync($"/api/meetings/{id}/registrations", Participant(TestPerson.UniqueEmail("ken-2"))), HttpStatusCode.Conflict);
        Assert.Equal("The meeting is full.", full.GetProperty("title").GetString());

        // Each delegate sees its own State's participants; the Chair's office sees all and exports them.
        var french = await MeetingsFlow.JsonAsync(await france.GetAsync($"/api/meetings/{id}/registrations"), HttpStatusCode.OK);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), french.EnumerateArray().Select(r => r.GetProperty("email").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound,
            (await france.DeleteAsync($"/api/meetings/{id}/registrations/{kenyaRegistration.GetProperty("id").GetGuid()}")).StatusCode);
        using var secretariat = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "registration-dm", Roles.DirectoryManager));
        Assert.Equal(HttpStatusCode.Forbidden, (await chair.GetAsync($"/api/meetings/{id}/registrations")).StatusCode); // no contact details
        var all = await MeetingsFlow.JsonAsync(await secretariat.GetAsync($"/api/meetings/{id}/registrations"), HttpStatusCode.OK);
        Assert.Equal(3, all.GetArrayLength());
        var csv = await secretariat.GetStringAsync($"/api/meetings/{id}/registrations.csv");
        Assert.Equal(4, csv.Trim().Split('\n').Length);
        Assert.Contains(kenyan, csv);
        var lines = csv.Trim().TrimStart('\uFEFF').Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("state,state_name,organization,full_name,function,email,attendance,status,registered_at", lines[0]);
        Assert.StartsWith($"KEN,Kenya,,A. Delegate,\"Counsellor, Permanent Mission\",{kenyan},online,approved,", lines.Single(l => l.Contains(kenyan, StringComparison.Ordinal)));
        // Each delegation's overview holds its own State's participants of this meeting, and no other State's.
        var kenyas = Assert.Single((await MeetingsFlow.JsonAsync(await kenya.GetAsync("/api/meetings/registrations"), HttpStatusCode.OK)).EnumerateArray(),
            m => m.GetProperty("meetingId").GetGuid() == id);
        Assert.Equal([kenyan], kenyas.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("email").GetString()!).ToArray());
        var frances = Assert.Single((await MeetingsFlow.JsonAsync(await france.GetAsync("/api/meetings/registrations"), HttpStatusCode.OK)).EnumerateArray(),
            m => m.GetProperty("meetingId").GetGuid() == id);
        Assert.All(frances.GetProperty("participants").EnumerateArray(), p => Assert.Equal("FRA", p.GetProperty("state").GetString()));
        Assert.Equal(2, frances.GetProperty("participants").GetArrayLength());

        // The link is disseminated in due course: when it is added, every registered participant gets it, and no one else.
        var link = $"https://meet.example.org/oewg-briefing-{Guid.NewGuid():N}";
        var changed = await MeetingsFlow.JsonAsync(await chair.PutAsJsonAsync($"/api/meetings/{id}", Meeting(link, 1)), HttpStatusCode.OK);
        Assert.Equal((1, true), (changed.GetProperty("sequence").GetInt32(), changed.GetProperty("hasJoinLink").GetBoolean()));
        Assert.DoesNotContain(link, (await chair.GetStringAsync($"/api/meetings/{id}")));
        foreach (var participant in new[] { first, second, kenyan })
        {
            await Mailbox.WaitForAsync(system, participant, new Regex(Regex.Escape(link)));
        }
        Assert.DoesNotContain(Mailbox.Texts(system), t => t.Contains($"X-RcptTo: {third}", StringComparison.OrdinalIgnoreCase));

        // A change from a client that never saw the link (it is not on the schedule) keeps it, and sends nothing again.
        var renamed = await MeetingsFlow.JsonAsync(await chair.PutAsJsonAsync($"/api/meetings/{id}", new
        {
            kind = "briefing", title = "Informal virtual briefing on the directory, renamed", format = "virtual", audience = new[] { "member-states" },
            time = new { precision = "exact", date = $"{year}-01-31", startTime = "09:00", endTime = "10:30" }, revision = 2,
        }), HttpStatusCode.OK);
        Assert.Equal((1, true, true, 3), (renamed.GetProperty("sequence").GetInt32(), renamed.GetProperty("hasJoinLink").GetBoolean(),
            renamed.GetProperty("registrationOpen").GetBoolean(), renamed.GetProperty("capacity").GetInt32()));
    }
}
