using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Decisions by silence through the gateway: the Chair's office circulates a proposal to every Permanent Mission; a
/// delegate breaks silence for its own State (and no one else can); the Chair's office is told at once; at the expiry
/// the outcome is decided by itself; a broken silence is announced by the Chair's decision, naming who broke it; silence
/// that holds is announced to every mission right after the expiry; the Chair extends or withdraws a proposal.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SilenceProcedureTests(SystemFixture fixture)
{
    private const string ChairOffice = "oewg-chair@pocdirectory.example";

    /// <summary>An expiry <paramref name="ahead"/> from now, as the Chair's office gives it: a date and a time in New York.</summary>
    public static (string Date, string Time, DateTimeOffset At) ExpiryIn(TimeSpan ahead)
    {
        var at = DateTimeOffset.UtcNow.Add(ahead);
        at = at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond));
        var local = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        return (local.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), local.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), at);
    }

    public static object Proposal(string subject, (string Date, string Time, DateTimeOffset At) expiry, bool isPublic = true) => new
    {
        subject,
        proposal = "Stakeholders with ECOSOC consultative status may attend.\n\nOther stakeholders may attend on a non-objection basis.\n\nThe list is circulated to Member States.",
        expiryDate = expiry.Date,
        expiryTime = expiry.Time,
        isPublic,
    };

    private static async Task<JsonElement> UntilDecidedAsync(HttpClient client, Guid id)
    {
        for (var i = 0; i < 120; i++)
        {
            var procedure = await MeetingsFlow.JsonAsync(await client.GetAsync($"/api/meetings/silence-procedures/{id}"), HttpStatusCode.OK);
            if (procedure.GetProperty("status").GetString() != "under-silence")
            {
                return procedure;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException("The procedure was not decided within a minute of its expiry.");
    }

    [Fact]
    public async Task Silence_broken_by_a_delegate_is_decided_at_the_expiry_and_announced_by_the_Chair_and_silence_kept_is_announced_at_once()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-dm", Roles.DirectoryManager));
        using var chair = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-chair", Roles.ChairOffice));
        using var france = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-fra", Roles.Delegate, "FRA"));
        using var germany = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-deu", Roles.Delegate, "DEU"));
        using var pointOfContact = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-poc", Roles.PointOfContact, "FRA"));
        using var anonymous = DirectoryFlow.Client(system, null);
        var mission = TestPerson.UniqueEmail("silence-mission-per");
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/PER", new { emails = new[] { mission } }), HttpStatusCode.OK);

        // Too short a silence, a time that is not one, nothing written: every error at once. (The minimum is 0 hours here.)
        var refused = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/silence-procedures",
            new { expiryDate = "2020-01-01", expiryTime = "25:00" }), HttpStatusCode.BadRequest);
        Assert.Equal(["expiryTime", "isPublic", "proposal", "subject"], refused.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ToArray());

        var tag = Guid.NewGuid().ToString("N")[..8];
        var broken = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/silence-procedures",
            Proposal($"stakeholder modalities {tag}", ExpiryIn(TimeSpan.FromSeconds(25)))), HttpStatusCode.Created);
        var kept = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/silence-procedures",
            Proposal($"a programme of work {tag}", ExpiryIn(TimeSpan.FromSeconds(25)))), HttpStatusCode.Created);
        var brokenId = broken.GetProperty("id").GetGuid();
        var keptId = kept.GetProperty("id").GetGuid();

        // Every mission gets the circulation letter, which states the expiry and numbers the paragraphs.
        await Mailbox.WaitForAsync(system, mission, new Regex($"Subject: Silence procedure: stakeholder modalities {tag}"));
        var circulation = (await Mailbox.MessagesToAsync(system, mission)).Single(m => m.Subject == $"Silence procedure: stakeholder modalities {tag}").TextBody ?? "";
        Assert.Contains($"The silence procedure will expire on {broken.GetProperty("expiry").GetString()}.", circulation.ReplaceLineEndings(" ").Replace("  ", " "));
        Assert.Contains("2. Other stakeholders may attend on a non-objection basis.", circulation);

        // Only a Member State's delegate breaks silence, for its own State, once at a time, and may take it back.
        var objection = new { letter = "France cannot join consensus on paragraph 2.", paragraphs = "2", amendment = "Delete paragraph 2." };
        Assert.Equal(HttpStatusCode.Forbidden, (await pointOfContact.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/objections", objection)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await chair.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/objections", objection)).StatusCode);
        var bad = await MeetingsFlow.JsonAsync(await france.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/objections", new { letter = " ", paragraphs = "9" }),
            HttpStatusCode.BadRequest);
        Assert.Equal(["letter", "paragraphs"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ToArray());
        var first = await MeetingsFlow.JsonAsync(await france.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/objections", objection), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Conflict, (await france.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/objections", objection)).StatusCode);
        var german = await MeetingsFlow.JsonAsync(await germany.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/objections", new { letter = "Germany objects." }),
            HttpStatusCode.Created);
        // France cannot withdraw Germany's objection; Germany withdraws its own, France withdraws and sends another.
        Assert.Equal(HttpStatusCode.NotFound, (await france.DeleteAsync($"/api/meetings/silence-procedures/{brokenId}/objections/{german.GetProperty("id").GetGuid()}")).StatusCode);
        await MeetingsFlow.JsonAsync(await germany.DeleteAsync($"/api/meetings/silence-procedures/{brokenId}/objections/{german.GetProperty("id").GetGuid()}"), HttpStatusCode.OK);
        await MeetingsFlow.JsonAsync(await france.DeleteAsync($"/api/meetings/silence-procedures/{brokenId}/objections/{first.GetProperty("id").GetGuid()}"), HttpStatusCode.OK);
        await MeetingsFlow.JsonAsync(await france.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/objections", objection), HttpStatusCode.Created);

        // The Chair's office is told at once.
        await Mailbox.WaitForAsync(system, ChairOffice, new Regex($"Subject: Silence broken by France: stakeholder modalities {tag}"));

        // Member States see the objections; the public sees the proposal and, later, the outcome, never the objections.
        var seen = await MeetingsFlow.JsonAsync(await germany.GetAsync($"/api/meetings/silence-procedures/{brokenId}"), HttpStatusCode.OK);
        Assert.Equal(3, seen.GetProperty("objections").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("objections")[0].GetProperty("receivedFrom").ValueKind);
        var open = await MeetingsFlow.JsonAsync(await anonymous.GetAsync($"/api/meetings/silence-procedures/{brokenId}"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, open.GetProperty("objections").ValueKind);
        var listed = Assert.Single((await MeetingsFlow.JsonAsync(await anonymous.GetAsync("/api/meetings/silence-procedures"), HttpStatusCode.OK)).EnumerateArray(),
            p => p.GetProperty("id").GetGuid() == brokenId);
        Assert.StartsWith("Stakeholders with ECOSOC consultative status may attend.", listed.GetProperty("proposal").GetString()); // the public list: proposal, expiry, outcome
        Assert.False(listed.TryGetProperty("brokenBy", out _));
        // Nothing to announce while silence runs.
        Assert.Equal(HttpStatusCode.Conflict, (await chair.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/announcement", new { revision = 1 })).StatusCode);

        // At the expiry each is decided by itself: broken by France alone (Germany withdrew), and kept.
        var decided = await UntilDecidedAsync(chair, brokenId);
        Assert.Equal(("broken", "FRA"), (decided.GetProperty("status").GetString(), string.Join(',', decided.GetProperty("brokenBy").EnumerateArray().Select(s => s.GetString()))));
        var late = await MeetingsFlow.JsonAsync(await germany.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/objections", new { letter = "Too late." }),
            HttpStatusCode.Conflict);
        Assert.StartsWith("The silence procedure has ended", late.GetProperty("title").GetString());
        Assert.Equal("broken", (await MeetingsFlow.JsonAsync(await anonymous.GetAsync($"/api/meetings/silence-procedures/{brokenId}"), HttpStatusCode.OK)).GetProperty("status").GetString());
        await Mailbox.WaitForAsync(system, ChairOffice, new Regex($"Subject: Silence broken: stakeholder modalities {tag}"));

        // Kept silence: every mission is told of the adoption right after the expiry, without anyone acting.
        Assert.Equal("passed", (await UntilDecidedAsync(chair, keptId)).GetProperty("status").GetString());
        await Mailbox.WaitForAsync(system, mission, new Regex($"Subject: Silence procedure: a programme of work {tag}: adopted"));

        // The Chair's office announces the broken silence, once: every mission learns who broke it.
        var announced = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/announcement",
            new { revision = decided.GetProperty("revision").GetInt32(), note = "I will consult delegations on a way forward." }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Conflict, (await chair.PostAsJsonAsync($"/api/meetings/silence-procedures/{brokenId}/announcement",
            new { revision = announced.GetProperty("revision").GetInt32() })).StatusCode);
        await Mailbox.WaitForAsync(system, mission, new Regex($"Subject: Silence procedure: stakeholder modalities {tag}: not adopted"));
        var letter = (await Mailbox.MessagesToAsync(system, mission)).Single(m => m.Subject?.EndsWith($"{tag}: not adopted", StringComparison.Ordinal) == true).TextBody ?? "";
        Assert.Contains("was broken by France.", letter.ReplaceLineEndings(" "));
        Assert.Contains("I will consult delegations on a way forward.", letter);
        // Each of these letters reached the mission once.
        Assert.Equal(2, (await Mailbox.MessagesToAsync(system, mission)).Count(m => m.Subject?.Contains($"stakeholder modalities {tag}", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task The_Chair_extends_silence_or_withdraws_the_proposal_and_every_mission_is_told()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-ext-dm", Roles.DirectoryManager));
        using var chair = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-ext-chair", Roles.ChairOffice));
        using var france = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-ext-fra", Roles.Delegate, "FRA"));
        var mission = TestPerson.UniqueEmail("silence-mission-uru");
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/URY", new { emails = new[] { mission } }), HttpStatusCode.OK);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var year = DateTime.UtcNow.Year + 1;
        var placed = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/silence-procedures", new
        {
            subject = $"the rules {tag}", proposal = "One paragraph.", expiryDate = $"{year}-01-25", expiryTime = "18:00", isPublic = false,
        }), HttpStatusCode.Created);
        var id = placed.GetProperty("id").GetGuid();
        Assert.Equal(new DateTime(year, 1, 25).ToString("dddd, d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en-GB")) + " at 6.00pm (New York time)",
            placed.GetProperty("expiry").GetString());

        // An extension moves the expiry later, names the revision read, and tells every mission.
        Assert.Equal(HttpStatusCode.BadRequest, (await chair.PostAsJsonAsync($"/api/meetings/silence-procedures/{id}/extension",
            new { revision = 1, expiryDate = $"{year}-01-24", expiryTime = "18:00" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await chair.PostAsJsonAsync($"/api/meetings/silence-procedures/{id}/extension",
            new { revision = 5, expiryDate = $"{year}-01-28", expiryTime = "18:00" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await france.PostAsJsonAsync($"/api/meetings/silence-procedures/{id}/extension",
            new { revision = 1, expiryDate = $"{year}-01-28", expiryTime = "18:00" })).StatusCode);
        var extended = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/silence-procedures/{id}/extension",
            new { revision = 1, expiryDate = $"{year}-01-28", expiryTime = "18:00" }), HttpStatusCode.OK);
        Assert.Equal((1, 2), (extended.GetProperty("extensions").GetInt32(), extended.GetProperty("letters").GetArrayLength()));
        await Mailbox.WaitForAsync(system, mission, new Regex($"Subject: Extension of the silence procedure: the rules {tag}"));

        var withdrawn = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/silence-procedures/{id}/withdrawal",
            new { revision = extended.GetProperty("revision").GetInt32() }), HttpStatusCode.OK);
        Assert.Equal("withdrawn", withdrawn.GetProperty("status").GetString());
        await Mailbox.WaitForAsync(system, mission, new Regex($"Subject: Withdrawal of the proposal under silence: the rules {tag}"));
        Assert.Equal(HttpStatusCode.Conflict, (await france.PostAsJsonAsync($"/api/meetings/silence-procedures/{id}/objections", new { letter = "No." })).StatusCode);
        // Not public: the public does not see it at all.
        using var anonymous = DirectoryFlow.Client(system, null);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/meetings/silence-procedures/{id}")).StatusCode);
        Assert.DoesNotContain((await MeetingsFlow.JsonAsync(await anonymous.GetAsync("/api/meetings/silence-procedures"), HttpStatusCode.OK)).EnumerateArray(),
            p => p.GetProperty("id").GetGuid() == id); // not public: not in the public record either
    }
}
