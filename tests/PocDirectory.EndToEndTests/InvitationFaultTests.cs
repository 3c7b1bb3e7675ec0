using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Invitations through kills (SIGKILL): Notifications in the middle of sending the invitations (some accepted by the mail
/// server, the others not yet), then the Meetings service right after it saved a change of time. Each invited address
/// ends with exactly one invitation and one update: nothing lost, nothing twice.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class InvitationFaultTests(SystemFixture fixture)
{
    private const int States = 60;

    [Fact]
    public async Task Killing_Notifications_mid_invitation_and_Meetings_after_a_change_leaves_one_e_mail_per_address_per_version()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "kill-invite-dm", Roles.DirectoryManager));
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "kill-invite-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        var run = Guid.NewGuid().ToString("N")[..6];

        // Missions of Member States without an address yet get one of this run (those others set keep theirs), at the sink's slow domain.
        await using var missions = await MeetingsFlow.AddressMissionsAsync(system, manager, States, s => $"killinv-{run}-{s.ToLowerInvariant()}@slow.example.org");
        await InviteThroughKillsAsync(system, chair, chairToken, run, missions.Addresses);
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

        // The addresses are at the sink's slow domain (a quarter of a second a message): Notifications is killed once some
        // invitations are accepted, in the middle of sending the others.
        var notifications = system.Resource(ResourceNames.Notifications);
        await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 1 }), HttpStatusCode.OK);
        await Eventually.Until(() => Deliveries(system, run, status: "Sent"), n => n >= 8, TimeSpan.FromMinutes(2), "the first invitations sent");
        Process.GetProcessById(notifications.Pid!.Value).Kill(entireProcessTree: true);
        var sentBeforeTheKill = await Deliveries(system, run, status: "Sent");
        Assert.InRange(sentBeforeTheKill, 8, addresses.Count - 1); // killed mid-send: some sent, some still to go
        await system.WaitUntilAsync(r => r.Single(x => x.Name == ResourceNames.Notifications) is { State: "Running" } x && x.Pid != notifications.Pid,
            TimeSpan.FromMinutes(2), "Notifications running again");

        // The Meetings service dies right after saving a change: its updates may still be in its outbox.
        var meetings = system.Resource(ResourceNames.Meetings);
        await MeetingsFlow.JsonAsync(await chair.PutAsJsonAsync($"/api/meetings/{id}", Meeting("14:00", 1)), HttpStatusCode.OK);
        Process.GetProcessById(meetings.Pid!.Value).Kill(entireProcessTree: true);
        await system.WaitUntilAsync(r => r.Single(x => x.Name == ResourceNames.Meetings) is { State: "Running" } x && x.Pid != meetings.Pid,
            TimeSpan.FromMinutes(2), "the Meetings service running again");

        // The marker: every e-mail of the run recorded and sent (a sent one is never sent again), and each in the mail server's
        // hands (it records an e-mail as sent with the end of its data, before the server has stored it); then the mailbox is final.
        await Eventually.Until(async () => (await Deliveries(system, run, status: null), await Deliveries(system, run, status: "Sent")),
            n => n == (addresses.Count * 2, addresses.Count * 2), TimeSpan.FromMinutes(3), "every invitation and update sent");
        var (invitations, updates) = await Eventually.Until(() => Task.FromResult((Count(system, "Invitation", title), Count(system, "Updated invitation", title))),
            c => addresses.Values.All(a => c.Item1.ContainsKey(a) && c.Item2.ContainsKey(a)), TimeSpan.FromMinutes(1), "every invitation and update stored by the mail server");
        Assert.All(addresses.Values, a => Assert.Equal((1, 1), (invitations.GetValueOrDefault(a), updates.GetValueOrDefault(a))));
    }

    /// <summary>The run's invitation e-mails Notifications recorded (with <paramref name="status"/>: only those in it).</summary>
    private static Task<long> Deliveries(RunningSystem system, string run, string? status) => system.ScalarAsync<long>(ResourceNames.NotificationsDb,
        "SELECT count(*) FROM email_deliveries WHERE template = 'meeting-invitation' AND to_address LIKE @p AND (@s = '' OR status = @s)",
        ("p", $"killinv-{run}-%"), ("s", status ?? ""));

    /// <summary>The e-mails in the SMTP sink whose subject starts with "<paramref name="heading"/>: <paramref name="title"/>", by recipient.</summary>
    private static Dictionary<string, int> Count(RunningSystem system, string heading, string title) =>
        Mailbox.PerRecipient(Mailbox.Texts(system), $"Subject: {heading}: {title} (");
}
