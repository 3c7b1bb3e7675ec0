using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace PocDirectory.EndToEndTests.Benchmarks;

/// <summary>
/// Invitations measured, not tested: run by <c>benchmarks/meetings.sh</c> (left out of <c>./test.sh</c> by
/// their category) on a system of their own. Every Permanent Mission given <see cref="AddressesPerMission"/>
/// addresses, a meeting for Member States and observers invited: the time until the SMTP sink accepted
/// every invitation, then the same for the update after a change of time. Only what must hold whatever the
/// speed is asserted (one e-mail per address per version); the figures go to <c>TestResults/benchmarks/</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class MeetingsBenchmarks(ITestOutputHelper output)
{
    private static int AddressesPerMission => int.TryParse(Environment.GetEnvironmentVariable("POCDIR_BENCH_MISSION_ADDRESSES"), out var n) && n > 0 ? n : 2;

    /// <summary>Listed points of contact invited beside the missions (the meeting's audience holds them).</summary>
    private static int PointsOfContact => int.TryParse(Environment.GetEnvironmentVariable("POCDIR_BENCH_POCS"), out var n) && n >= 0 ? n : 400;

    [Fact]
    public async Task An_invitation_to_every_mission_and_its_update_until_the_mail_server_accepted_each()
    {
        await using var system = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4), BenchmarkReport.Unlimited());
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "bench-meetings-dm", Roles.DirectoryManager));
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "bench-meetings-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);

        // Every mission, AddressesPerMission addresses each, in one import.
        var missions = await Eventually.Until(async () => await manager.GetFromJsonAsync<JsonElement>("/api/meetings/missions"),
            m => m.GetArrayLength() == 195, TimeSpan.FromMinutes(2), "the 195 missions");
        var csv = new StringBuilder("state,emails\n");
        foreach (var state in missions.EnumerateArray().Select(m => m.GetProperty("state").GetString()!))
        {
            csv.Append(state).Append(',').AppendJoin(';', Enumerable.Range(1, AddressesPerMission).Select(i => $"bench-{state.ToLowerInvariant()}-{i}@example.org"))
                .Append('\n');
        }
        using (var import = await manager.PostAsync("/api/meetings/missions/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")))
        {
            Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        }
        var missionsExpected = 195 * AddressesPerMission;
        // The points of contact, listed straight into the Directory's table (one through the whole flow): the Directory sends them theirs.
        if (PointsOfContact > 0)
        {
            var listed = await PingLoad.ListForCampaignAsync(system, await DirectoryFlow.TokenOfAsync(system, "bench-meetings-dm2", Roles.DirectoryManager), "BEN", PointsOfContact - 1, "bench-meetings");
            Assert.Equal(PointsOfContact, listed.Count);
        }
        var expected = missionsExpected + PointsOfContact;

        var year = DateTime.UtcNow.Year + 1;
        object Meeting(string start, int? revision) => new
        {
            kind = "informal-intersessional", title = "Informal intersessional meeting", format = "hybrid", room = "Conference Room 4",
            audience = PointsOfContact > 0 ? new[] { "member-states", "observers", "points-of-contact" } : new[] { "member-states", "observers" }, status = "confirmed", revision,
            time = new { precision = "exact", date = $"{year}-05-24", startTime = start, endTime = "18:00" },
        };
        var id = await MeetingsFlow.ScheduleAsync(system, chairToken, Meeting("10:00", null));

        var invitation = await MeasureAsync(system, expected, "Subject: Invitation: Informal intersessional meeting", async () =>
        {
            var result = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 1 }), HttpStatusCode.OK);
            Assert.Equal(missionsExpected, result.GetProperty("invited").GetInt32());
            Assert.Equal(PointsOfContact > 0, result.GetProperty("pointsOfContactInvitedNow").GetBoolean());
        });
        var update = await MeasureAsync(system, expected, "Subject: Updated invitation: Informal intersessional meeting", async () =>
            await MeetingsFlow.JsonAsync(await chair.PutAsJsonAsync($"/api/meetings/{id}", Meeting("15:00", 1)), HttpStatusCode.OK));

        var perAddress = await system.ScalarAsync<long>(ResourceNames.NotificationsDb,
            "SELECT count(*) FROM (SELECT to_address FROM email_deliveries WHERE template IN ('meeting-invitation', 'poc-meeting-invitation') AND status = 'Sent' GROUP BY to_address HAVING count(*) = 2) AS twice");
        Assert.Equal(expected, perAddress);
        BenchmarkReport.Write(output, "meeting-invitations",
            $"a meeting for Member States, observers and points of contact, invited: 195 missions with {AddressesPerMission} addresses each ({missionsExpected} e-mails, each with its own calendar entry) and {PointsOfContact} listed points of contact (through the Directory, one shared entry), through Notifications to the SMTP sink",
            $"invitation: request answered in {invitation.Answered.TotalSeconds:0.00} s; every e-mail accepted by the sink after {invitation.All.TotalSeconds:0.00} s ({expected / invitation.All.TotalSeconds:0} e-mails/s)",
            $"update after a change of time: request answered in {update.Answered.TotalSeconds:0.00} s; every e-mail accepted after {update.All.TotalSeconds:0.00} s ({expected / update.All.TotalSeconds:0} e-mails/s)",
            $"addresses with exactly two e-mails (invitation and update): {perAddress} of {expected}");
    }

    /// <summary>
    /// Runs <paramref name="act"/>; returns when it answered and when the sink held <paramref name="count"/> messages whose text
    /// has <paramref name="subject"/> (other e-mails, such as a nomination's, are not counted).
    /// </summary>
    private static async Task<(TimeSpan Answered, TimeSpan All)> MeasureAsync(RunningSystem system, int count, string subject, Func<Task> act)
    {
        var maildir = Path.Combine(system.StateDirectory, "data", ResourceNames.Mail, "maildir", "new");
        var counted = new HashSet<string>(StringComparer.Ordinal);
        // Files already read (matching or not) are not read again: the polling stays light beside what it measures.
        var seen = new HashSet<string>(Directory.Exists(maildir) ? Directory.GetFiles(maildir) : [], StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        await act();
        var answered = clock.Elapsed;
        while (true)
        {
            foreach (var file in Directory.Exists(maildir) ? Directory.GetFiles(maildir) : [])
            {
                if (seen.Add(file) && File.ReadAllText(file).Contains(subject, StringComparison.Ordinal))
                {
                    counted.Add(file);
                }
            }
            if (counted.Count >= count)
            {
                return (answered, clock.Elapsed);
            }
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(10), "every e-mail accepted within 10 minutes");
            await Task.Delay(100);
        }
    }
}
