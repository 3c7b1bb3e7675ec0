using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Silence through a kill at its expiry (SIGKILL of the Meetings service at the instant): two proposals expire
/// together, one broken (an early objection and others racing the expiry), one kept. After the restart each has one
/// outcome; the objections answered 201 all count, none refused counts and none was received at or after the expiry;
/// the Chair's office is told of the broken one once, and every mission of the run gets exactly one adoption letter and
/// none for the broken proposal.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SilenceFaultTests(SystemFixture fixture)
{
    private const int Missions = 20;
    private const int Racing = 8;
    private const string ChairOffice = "oewg-chair@pocdirectory.example";

    [Fact]
    public async Task Meetings_killed_at_the_expiry_decides_each_procedure_once_with_the_objections_received_before_it_and_one_letter_per_mission()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "kill-silence-dm", Roles.DirectoryManager));
        using var chair = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "kill-silence-chair", Roles.ChairOffice));
        var run = Guid.NewGuid().ToString("N")[..6];

        await using var missions = await MeetingsFlow.AddressMissionsAsync(system, manager, Missions, s => $"killsil-{run}-{s.ToLowerInvariant()}@example.org");

        // A delegate of France, and of eight other Member States (one real token signed again for each State).
        var franceToken = await DirectoryFlow.TokenOfAsync(system, "kill-silence-fra", Roles.Delegate, "FRA");
        using var france = DirectoryFlow.Client(system, franceToken);
        var racing = new Dictionary<string, HttpClient>();
        foreach (var state in missions.MemberStates.Where(s => s != "FRA").Take(Racing))
        {
            racing[state] = DirectoryFlow.Client(system, await IdentityKeys.ResignAsync(system, franceToken, p => p[ApiScopes.StateClaim] = state));
        }

        try
        {
            await DecideThroughKillAsync(system, chair, france, racing, run, missions.Addresses.Values.ToList());
        }
        finally
        {
            foreach (var client in racing.Values)
            {
                client.Dispose();
            }
        }
    }

    private static async Task DecideThroughKillAsync(RunningSystem system, HttpClient chair, HttpClient france, Dictionary<string, HttpClient> racing,
        string run, List<string> addresses)
    {
        // Both expire at the same instant, far enough ahead for every letter of circulation to be on its way.
        var expiry = SilenceProcedureTests.ExpiryIn(TimeSpan.FromSeconds(25));
        var brokenSubject = $"the programme of work {run}";
        var keptSubject = $"the rules of procedure {run}";
        var broken = await PlaceAsync(chair, brokenSubject, expiry);
        var kept = await PlaceAsync(chair, keptSubject, expiry);
        using (var early = await france.PostAsJsonAsync($"/api/meetings/silence-procedures/{broken}/objections", new { letter = "France breaks silence." }))
        {
            Assert.Equal(HttpStatusCode.Created, early.StatusCode);
        }

        // The other States object over the last second before the expiry and the first after it; the service dies at it.
        var answers = new ConcurrentDictionary<string, HttpStatusCode?>();
        await Eventually.At(expiry.At - TimeSpan.FromSeconds(1));
        var objections = racing.Select(async (pair, i) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(i * 2000.0 / racing.Count));
            try
            {
                using var response = await pair.Value.PostAsJsonAsync($"/api/meetings/silence-procedures/{broken}/objections", new { letter = $"{pair.Key} breaks silence." });
                answers[pair.Key] = response.StatusCode;
            }
            catch (HttpRequestException)
            {
                answers[pair.Key] = null; // no answer: the service was killed under it
            }
        }).ToList();
        var meetings = system.Resource(ResourceNames.Meetings);
        await Eventually.At(expiry.At);
        Process.GetProcessById(meetings.Pid!.Value).Kill(entireProcessTree: true);
        await Task.WhenAll(objections);
        await system.WaitUntilAsync(r => r.Single(x => x.Name == ResourceNames.Meetings) is { State: "Running" } x && x.Pid != meetings.Pid,
            TimeSpan.FromMinutes(2), "the Meetings service running again");

        var brokenRecord = await DecidedAsync(chair, broken);
        var keptRecord = await DecidedAsync(chair, kept);
        Assert.Equal("broken", brokenRecord.GetProperty("status").GetString());
        Assert.Equal("passed", keptRecord.GetProperty("status").GetString());

        // Every objection answered 201 counts, none answered otherwise does, and none counted was received at or after the expiry.
        var received = answers.Where(a => a.Value == HttpStatusCode.Created).Select(a => a.Key).Append("FRA").ToHashSet();
        var unanswered = answers.Where(a => a.Value is null or (not HttpStatusCode.Created and not HttpStatusCode.Conflict)).Select(a => a.Key).ToHashSet();
        // The race happened: objections were received in the last second, and others were not (the service was dead after the
        // expiry; the refusal of one arriving a moment after it is SilenceDeadlinesTests', on a fake clock).
        Assert.Contains(answers, a => a.Value == HttpStatusCode.Created);
        Assert.Contains(answers, a => a.Value != HttpStatusCode.Created);
        var brokenBy = brokenRecord.GetProperty("brokenBy").EnumerateArray().Select(s => s.GetString()!).ToHashSet();
        Assert.Subset(brokenBy, received);
        Assert.Empty(brokenBy.Except(received).Except(unanswered));
        Assert.Equal(brokenBy.Count, await system.ScalarAsync<long>(ResourceNames.MeetingsDb,
            "SELECT count(*) FROM silence_objections WHERE \"ProcedureId\" = @p AND \"WithdrawnAt\" IS NULL", ("p", broken)));
        Assert.Equal(0L, await system.ScalarAsync<long>(ResourceNames.MeetingsDb,
            "SELECT count(*) FROM silence_objections WHERE \"ProcedureId\" = @p AND \"ReceivedAt\" >= @at", ("p", broken), ("at", expiry.At)));

        // The marker: every e-mail to the run's missions recorded and sent (two circulations and one adoption each), and
        // the Chair's office's notice of the broken silence sent; a sent e-mail is never sent again, so the mailbox is final.
        var expected = addresses.Count * 3;
        await Eventually.Until(async () => (await Letters(system, run, status: null), await Letters(system, run, status: "Sent")),
            n => n.Item1 >= expected && n.Item1 == n.Item2, TimeSpan.FromMinutes(3), "every letter of the run sent");
        Assert.Equal(expected, await Letters(system, run, status: null));
        await Mailbox.WaitForAsync(system, ChairOffice, new Regex($"Subject: Silence broken: {Regex.Escape(brokenSubject)}"));
        await Eventually.Until(() => Task.FromResult(Mailbox.PerRecipient(Mailbox.Texts(system), $"Subject: Silence procedure: {keptSubject}: adopted")),
            a => addresses.All(a.ContainsKey), TimeSpan.FromMinutes(1), "every adoption letter stored by the mail server");

        var texts = Mailbox.Texts(system).ToList();
        var adopted = Mailbox.PerRecipient(texts, $"Subject: Silence procedure: {keptSubject}: adopted");
        Assert.All(addresses, a => Assert.Equal(1, adopted.GetValueOrDefault(a)));
        Assert.Empty(Mailbox.PerRecipient(texts, $"Subject: Silence procedure: {brokenSubject}: "));
        Assert.Single(texts, t => t.Contains($"Subject: Silence broken: {brokenSubject}", StringComparison.Ordinal));
        Assert.Equal(2, await system.ScalarAsync<int>(ResourceNames.MeetingsDb,
            "SELECT cardinality(\"Letters\") FROM silence_procedures WHERE \"Id\" = @p", ("p", kept))); // its circulation and its adoption
    }

    private static async Task<Guid> PlaceAsync(HttpClient chair, string subject, (string Date, string Time, DateTimeOffset At) expiry)
    {
        var placed = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/silence-procedures",
            SilenceProcedureTests.Proposal(subject, expiry)), HttpStatusCode.Created);
        return placed.GetProperty("id").GetGuid();
    }

    private static Task<JsonElement> DecidedAsync(HttpClient client, Guid id) =>
        Eventually.Until(async () => await MeetingsFlow.JsonAsync(await client.GetAsync($"/api/meetings/silence-procedures/{id}"), HttpStatusCode.OK),
            p => p.GetProperty("status").GetString() != "under-silence", TimeSpan.FromMinutes(2), "the procedure decided");

    /// <summary>The run's letters to its missions Notifications recorded (with <paramref name="status"/>: only those in it).</summary>
    private static Task<long> Letters(RunningSystem system, string run, string? status) => system.ScalarAsync<long>(ResourceNames.NotificationsDb,
        "SELECT count(*) FROM email_deliveries WHERE template = 'chair-letter' AND to_address LIKE @p AND (@s = '' OR status = @s)",
        ("p", $"killsil-{run}-%"), ("s", status ?? ""));
}
