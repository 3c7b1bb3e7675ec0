using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Invitations through kills (SIGKILL): Notifications while the invitations are going out, then the Meetings
/// service right after it saved a change of time. Each invited address ends with exactly one invitation and one
/// update: nothing lost, nothing twice.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class InvitationFaultTests(SystemFixture fixture)
{
    private const int States = 120;

    [Fact]
    public async Task Killing_Notifications_mid_invitation_and_Meetings_after_a_change_leaves_one_e_mail_per_address_per_version()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "kill-invite-dm", Roles.DirectoryManager));
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "kill-invite-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        var run = Guid.NewGuid().ToString("N")[..6];

        // Missions of Member States without an address yet get one of this run (those others set keep theirs).
        var missions = await Eventually.Until(async () => await manager.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/meetings/missions"),
            m => m.GetArrayLength() == 195, TimeSpan.FromMinutes(2), "the 195 missions");
        var chosen = missions.EnumerateArray()
            .Where(m => m.GetProperty("unStatus").GetString() != "Observer" && m.GetProperty("emails").GetArrayLength() == 0)
            .Select(m => m.GetProperty("state").GetString()!).Take(States).ToList();
        Assert.True(chosen.Count >= 60, $"only {chosen.Count} missions without an address");
        var addresses = chosen.ToDictionary(s => s, s => $"killinv-{run}-{s.ToLowerInvariant()}@example.org");
        var csv = new StringBuilder("state,emails\n");
        foreach (var (state, email) in addresses)
        {
            csv.Append(state).Append(',').Append(email).Append('\n');
        }
        using (var import = await manager.PostAsync("/api/meetings/missions/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")))
        {
            Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        }

        // (The addresses stay: a mission always has one once given; the other tests look only at their own addresses.)
        await InviteThroughKillsAsync(system, chair, chairToken, run, addresses);
    }

    private static async Task InviteThroughKillsAsync(RunningSystem system, HttpClient chair, string chairToken, string run, Dictionary<string, string> addresses)
    {
        var title = $"Kill test {run}";
        var year = DateTime.UtcNow.Year + 1;
        object Meeting(string start, int? revision) => new
        {
            kind = "informal-intersessional", title, format = "virtual", audience = new[] { "member-states" }, status = "confirmed", revision,
            time = new { precision = "exact", date = $"{year}-06-09", startTime = start, endTime = "17:00" },
        };
        var id = await MeetingsFlow.ScheduleAsync(system, chairToken, Meeting("10:00", null));
        await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 1 }), HttpStatusCode.OK);

        // Notifications dies while the mail server holds a message half-way (stopped a moment before, continued after).
        await Eventually.Until(() => Task.FromResult(Count(system, "Invitation", title).Count), n => n >= addresses.Count / 5, TimeSpan.FromMinutes(2), "a fifth of the invitations");
        var notifications = system.Resource(ResourceNames.Notifications);
        var mail = system.Resource(ResourceNames.Mail).Pid!.Value;
        Assert.True(PocDirectory.AppHost.Posix.Signal(mail, PocDirectory.AppHost.Posix.SigStop));
        await Task.Delay(300);
        Process.GetProcessById(notifications.Pid!.Value).Kill(entireProcessTree: true);
        await Task.Delay(100);
        Assert.True(PocDirectory.AppHost.Posix.Signal(mail, PocDirectory.AppHost.Posix.SigCont));
        var stillToSend = addresses.Values.Count(a => !Count(system, "Invitation", title).ContainsKey(a));
        Assert.True(stillToSend > 0, "Notifications was killed while invitations were still going out");
        await system.WaitUntilAsync(r => r.Single(x => x.Name == ResourceNames.Notifications) is { State: "Running" } x && x.Pid != notifications.Pid,
            TimeSpan.FromMinutes(2), "Notifications running again");

        // The Meetings service dies right after saving a change: its updates may still be in its outbox.
        var meetings = system.Resource(ResourceNames.Meetings);
        await MeetingsFlow.JsonAsync(await chair.PutAsJsonAsync($"/api/meetings/{id}", Meeting("14:00", 1)), HttpStatusCode.OK);
        Process.GetProcessById(meetings.Pid!.Value).Kill(entireProcessTree: true);
        await system.WaitUntilAsync(r => r.Single(x => x.Name == ResourceNames.Meetings) is { State: "Running" } x && x.Pid != meetings.Pid,
            TimeSpan.FromMinutes(2), "the Meetings service running again");

        var updates = await Eventually.Until(() => Task.FromResult(Count(system, "Updated invitation", title)),
            c => addresses.Values.All(c.ContainsKey), TimeSpan.FromMinutes(3), "every address's update");
        // A late second copy would be here by now: the last one arrived, and the system is idle again.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var invitations = Count(system, "Invitation", title);
        updates = Count(system, "Updated invitation", title);
        Assert.All(addresses.Values, a => Assert.Equal((1, 1), (invitations.GetValueOrDefault(a), updates.GetValueOrDefault(a))));
        Assert.Equal(addresses.Count * 2L, await system.ScalarAsync<long>(ResourceNames.NotificationsDb,
            "SELECT count(*) FROM email_deliveries WHERE template = 'meeting-invitation' AND status = 'Sent' AND to_address LIKE @p", ("p", $"killinv-{run}-%")));
    }

    /// <summary>The e-mails in the SMTP sink whose subject starts with "<paramref name="heading"/>: <paramref name="title"/>", by recipient.</summary>
    private static Dictionary<string, int> Count(RunningSystem system, string heading, string title)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var subject = $"Subject: {heading}: {title} (";
        foreach (var text in Mailbox.Texts(system))
        {
            if (!text.Contains(subject, StringComparison.Ordinal) || Recipient().Match(text) is not { Success: true } to)
            {
                continue;
            }
            counts[to.Groups[1].Value] = counts.GetValueOrDefault(to.Groups[1].Value) + 1;
        }
        return counts;
    }

    [GeneratedRegex(@"X-RcptTo: (\S+)")]
    private static partial Regex Recipient();
}
