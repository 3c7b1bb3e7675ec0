using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace PocDirectory.EndToEndTests.Benchmarks;

/// <summary>
/// Silence at its expiry, measured and shown, not tested: run by <c>benchmarks/silence.sh</c> (left out of <c>./test.sh</c>
/// by their category) on a system of its own, every Permanent Mission with one address.
/// <list type="number">
/// <item>193 Member States object within the last second before the expiry, and the Meetings service is killed (SIGKILL)
/// at the expiry: the outcome, the objections that counted against those answered 201, and none counted twice.</item>
/// <item>Silence that holds, the Meetings service killed at the expiry: one adoption letter per mission, and the time from
/// the expiry until the SMTP sink accepted the last.</item>
/// <item>The same without a kill.</item>
/// </list>
/// What must hold whatever the speed is asserted; the figures go to <c>TestResults/benchmarks/</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class SilenceBenchmarks(ITestOutputHelper output)
{
    [Fact]
    public async Task Objections_in_the_last_second_and_a_kill_at_the_expiry_and_the_letters_after_it()
    {
        var environment = BenchmarkReport.Unlimited();
        environment["Meetings__SilenceMinimumHours"] = "0";
        environment["Meetings__SilenceCheckSeconds"] = "1";
        await using var system = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4), environment);
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "bench-silence-dm", Roles.DirectoryManager));
        using var chair = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "bench-silence-chair", Roles.ChairOffice));

        var missions = await Eventually.Until(async () => await manager.GetFromJsonAsync<JsonElement>("/api/meetings/missions"),
            m => m.GetArrayLength() == 195, TimeSpan.FromMinutes(2), "the 195 missions");
        var members = missions.EnumerateArray().Where(m => m.GetProperty("unStatus").GetString() == "Member").Select(m => m.GetProperty("state").GetString()!).ToList();
        var csv = new StringBuilder("state,emails\n");
        foreach (var state in missions.EnumerateArray().Select(m => m.GetProperty("state").GetString()!))
        {
            csv.Append(state).Append(",bench-silence-").Append(state.ToLowerInvariant()).Append("@example.org\n");
        }
        using (var import = await manager.PostAsync("/api/meetings/missions/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")))
        {
            Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        }

        // A delegate of every Member State: one real delegate's token, signed again with Identity's key for each State.
        var delegateToken = await DirectoryFlow.TokenOfAsync(system, "bench-silence-delegate", Roles.Delegate, "FRA");
        var delegates = new Dictionary<string, HttpClient>();
        foreach (var state in members)
        {
            delegates[state] = DirectoryFlow.Client(system, await IdentityKeys.ResignAsync(system, delegateToken, p => p[ApiScopes.StateClaim] = state));
        }

        // 1. Broken in the last second, Meetings killed at the expiry.
        var broken = await PlaceAsync(chair, "the programme of work", TimeSpan.FromSeconds(30));
        var answers = new ConcurrentDictionary<string, HttpStatusCode?>();
        var lastSecond = broken.At - TimeSpan.FromSeconds(1);
        await Eventually.At(lastSecond);
        var objections = members.Select(async (state, i) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(i * 1000.0 / members.Count));
            try
            {
                using var response = await delegates[state].PostAsJsonAsync($"/api/meetings/silence-procedures/{broken.Id}/objections", new { letter = $"{state} breaks silence." });
                answers[state] = response.StatusCode;
            }
            catch (HttpRequestException)
            {
                answers[state] = null; // no answer: the service was killed under it
            }
        }).ToList();
        var meetings = system.Resource(ResourceNames.Meetings);
        await Eventually.At(broken.At);
        Process.GetProcessById(meetings.Pid!.Value).Kill(entireProcessTree: true);
        var killedAt = DateTimeOffset.UtcNow;
        await Task.WhenAll(objections);
        await system.WaitUntilAsync(r => r.Single(x => x.Name == ResourceNames.Meetings) is { State: "Running" } x && x.Pid != meetings.Pid,
            TimeSpan.FromMinutes(2), "the Meetings service running again");
        var decided = await DecidedAsync(chair, broken.Id);
        var brokenBy = decided.GetProperty("brokenBy").EnumerateArray().Select(s => s.GetString()!).ToHashSet();
        var received = answers.Where(a => a.Value == HttpStatusCode.Created).Select(a => a.Key).ToHashSet();
        var refused = answers.Count(a => a.Value == HttpStatusCode.Conflict);
        var unanswered = answers.Where(a => a.Value is null or (not HttpStatusCode.Created and not HttpStatusCode.Conflict)).Select(a => a.Key).ToList();
        Assert.Equal("broken", decided.GetProperty("status").GetString());
        Assert.Subset(brokenBy, received); // every objection answered 201 counted
        Assert.Empty(brokenBy.Except(received).Except(unanswered)); // nothing refused counted
        var kept = await system.ScalarAsync<long>(ResourceNames.MeetingsDb, "SELECT count(*) FROM silence_objections WHERE \"ProcedureId\" = @p", ("p", broken.Id));
        Assert.Equal(brokenBy.Count, kept);
        var brokenNotices = Mailbox.Texts(system).Count(t => t.Contains($"Subject: Silence broken: the programme of work {broken.Tag}", StringComparison.Ordinal));

        // 2. Kept, Meetings killed at the expiry: one adoption letter per mission.
        var keptKilled = await PlaceAsync(chair, "the rules of procedure", TimeSpan.FromSeconds(20));
        meetings = system.Resource(ResourceNames.Meetings);
        await Eventually.At(keptKilled.At);
        Process.GetProcessById(meetings.Pid!.Value).Kill(entireProcessTree: true);
        var afterKill = await UntilLettersAsync(system, $"Subject: Silence procedure: the rules of procedure {keptKilled.Tag}: adopted", keptKilled.At);
        Assert.Equal("passed", (await DecidedAsync(chair, keptKilled.Id)).GetProperty("status").GetString());
        var perMission = Mailbox.Texts(system).Where(t => t.Contains($"{keptKilled.Tag}: adopted", StringComparison.Ordinal)).GroupBy(Recipient).ToList();
        Assert.Equal(195, perMission.Count);
        Assert.All(perMission, g => Assert.Single(g));

        // 3. Kept, nothing killed.
        var keptPlain = await PlaceAsync(chair, "the dates of the session", TimeSpan.FromSeconds(20));
        var plain = await UntilLettersAsync(system, $"Subject: Silence procedure: the dates of the session {keptPlain.Tag}: adopted", keptPlain.At);

        BenchmarkReport.Write(output, "silence",
            "silence procedures at their expiry: 195 missions with one address each, 193 Member States' delegates, the Meetings service deciding every second (Meetings:SilenceCheckSeconds=1), through Notifications to the SMTP sink",
            $"193 objections sent within the last second before the expiry, the Meetings service killed (SIGKILL) {(killedAt - broken.At).TotalMilliseconds:0} ms after it: {received.Count} answered 201 (received), {refused} answered 409 (too late), {unanswered.Count} without an answer (killed under them); outcome {decided.GetProperty("status").GetString()}, {brokenBy.Count} objections counted, every one answered 201 among them, {kept} kept; the Chair's office told {brokenNotices} time(s)",
            $"silence kept, the Meetings service killed at the expiry: every mission's adoption letter accepted by the sink {afterKill.TotalSeconds:0.0} s after the expiry (restart included); letters per mission: exactly one for 195 of 195",
            $"silence kept, nothing killed: every mission's adoption letter accepted {plain.TotalSeconds:0.0} s after the expiry");
        foreach (var client in delegates.Values)
        {
            client.Dispose();
        }
    }

    private static string Recipient(string text) =>
        System.Text.RegularExpressions.Regex.Match(text, @"X-RcptTo: (\S+)").Groups[1].Value.ToLowerInvariant();

    private static async Task<(Guid Id, DateTimeOffset At, string Tag)> PlaceAsync(HttpClient chair, string subject, TimeSpan ahead)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var expiry = SilenceProcedureTests.ExpiryIn(ahead);
        var placed = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/silence-procedures",
            SilenceProcedureTests.Proposal($"{subject} {tag}", expiry)), HttpStatusCode.Created);
        return (placed.GetProperty("id").GetGuid(), expiry.At, tag);
    }

    private static Task<JsonElement> DecidedAsync(HttpClient client, Guid id) =>
        Eventually.Until(async () => await MeetingsFlow.JsonAsync(await client.GetAsync($"/api/meetings/silence-procedures/{id}"), HttpStatusCode.OK),
            p => p.GetProperty("status").GetString() != "under-silence", TimeSpan.FromMinutes(3), "the procedure decided");

    /// <summary>The time from <paramref name="expiry"/> until the sink holds one message with <paramref name="subject"/> per mission.</summary>
    private static async Task<TimeSpan> UntilLettersAsync(RunningSystem system, string subject, DateTimeOffset expiry)
    {
        var maildir = Path.Combine(system.StateDirectory, "data", ResourceNames.Mail, "maildir", "new");
        var counted = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            foreach (var file in Directory.Exists(maildir) ? Directory.GetFiles(maildir) : [])
            {
                if (seen.Add(file) && File.ReadAllText(file).Contains(subject, StringComparison.Ordinal))
                {
                    counted++;
                }
            }
            if (counted >= 195)
            {
                return DateTimeOffset.UtcNow - expiry;
            }
            Assert.True(DateTimeOffset.UtcNow - expiry < TimeSpan.FromMinutes(5), "every letter accepted within 5 minutes");
            await Task.Delay(100);
        }
    }
}
