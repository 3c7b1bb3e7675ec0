using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Ping tests through the gateway, as the Secretariat, focal points and points of contact use them:
/// one e-mail per point of contact, an acknowledgement by link without signing in or signed in, an
/// address the mail server refuses marked undeliverable at once, results by State, type and group,
/// the CSV, each entry's reachability; exactly one e-mail per point of contact when Notifications and
/// the Directory are killed (SIGKILL) in the middle of a campaign; overdue States flagged.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class PingTests(SystemFixture fixture)
{
    private RunningSystem System => fixture.System;

    [Fact]
    public async Task Each_point_of_contact_is_asked_once_acknowledges_by_link_or_signed_in_and_a_refused_address_is_undeliverable_at_once()
    {
        var manager = await DirectoryFlow.TokenOfAsync(System, "ping-dm", Roles.DirectoryManager);
        var focalPoint = await DirectoryFlow.TokenOfAsync(System, "ping-fp", Roles.FocalPoint, "ISL");
        var otherFocalPoint = await DirectoryFlow.TokenOfAsync(System, "ping-fp-fra", Roles.FocalPoint, "FRA");
        var byLink = TestPerson.UniqueEmail("ping-link");
        var signedIn = await TestPerson.CreateAsync(System, "ping-poc", Roles.PointOfContact, "ISL");
        var vanished = TestPerson.UniqueEmail("ping-vanished");
        var byLinkId = await DirectoryFlow.ListAsync(System, focalPoint, manager, "ISL", "Anna Jonsdottir", byLink);
        var signedInId = await DirectoryFlow.ListAsync(System, focalPoint, manager, "ISL", "Gunnar Olafsson", signedIn.Email);
        var vanishedId = await DirectoryFlow.ListAsync(System, focalPoint, manager, "ISL", "Sigrun Einarsdottir", vanished);
        // The third person's mailbox disappeared after the listing: the mail server now refuses the address.
        var refused = $"{vanished.Split('@')[0]}@mail.nowhere.invalid";
        await System.ScalarAsync<int>(ResourceNames.DirectoryDb,
            "UPDATE poc_entries SET \"Details\" = jsonb_set(\"Details\", '{email}', to_jsonb(@e::text)) WHERE \"PocId\" = @p RETURNING 1", ("e", refused), ("p", vanishedId));

        using var dm = DirectoryFlow.Client(System, manager);
        using (var invalid = await dm.PostAsJsonAsync("/api/directory/ping/campaigns", new { states = new[] { "ISL" }, windowHours = 0 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Contains("windowHours", await invalid.Content.ReadAsStringAsync());
        }
        using var started = await dm.PostAsJsonAsync("/api/directory/ping/campaigns", new { states = new[] { "ISL" } });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var campaign = await started.Content.ReadFromJsonAsync<JsonElement>();
        var id = campaign.GetProperty("id").GetGuid();
        Assert.Equal((3, 72), (campaign.GetProperty("asked").GetInt32(), campaign.GetProperty("windowHours").GetInt32()));

        var token = (await Mailbox.WaitForAsync(System, byLink, AcknowledgementLink())).Groups[1].Value;
        await Mailbox.WaitForAsync(System, signedIn.Email, AcknowledgementLink());
        var results = await Eventually.Until(() => ResultsAsync(manager, id), r => r.GetProperty("overall").GetProperty("undeliverable").GetInt32() == 1,
            TimeSpan.FromSeconds(60), "the refused address marked undeliverable");
        Assert.StartsWith("Address refused: 550", results.GetProperty("nonResponders").EnumerateArray().Single(n => n.GetProperty("pocId").GetGuid() == vanishedId).GetProperty("reason").GetString());
        await Eventually.Until(() => ReachabilityAsync(manager, vanishedId), r => r == "undeliverable", TimeSpan.FromSeconds(10), "the entry undeliverable");

        // The link works from anywhere, without signing in, once.
        using var anonymous = DirectoryFlow.Client(System, null);
        using (var acknowledged = await anonymous.PostAsJsonAsync("/api/directory/ping/acknowledgements", new { token }))
        {
            Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
            Assert.Equal("{\"acknowledged\":true}", await acknowledged.Content.ReadAsStringAsync()); // nothing but thanks
        }
        using (var again = await anonymous.PostAsJsonAsync("/api/directory/ping/acknowledgements", new { token }))
        {
            Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        }
        using (var unknown = await anonymous.PostAsJsonAsync("/api/directory/ping/acknowledgements", new { token = token[..^2] + "xx" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        // The signed-in point of contact sees the test waiting and acknowledges it.
        var pocToken = (await signedIn.SignInForTokensAsync(System)).GetProperty("access_token").GetString()!;
        using var poc = DirectoryFlow.Client(System, pocToken);
        Assert.Contains(id, (await poc.GetFromJsonAsync<JsonElement[]>("/api/directory/ping/awaiting"))!.Select(a => a.GetProperty("campaignId").GetGuid()));
        using (var acknowledged = await poc.PostAsync($"/api/directory/ping/campaigns/{id}/acknowledgement", null))
        {
            Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        }
        Assert.DoesNotContain(id, (await poc.GetFromJsonAsync<JsonElement[]>("/api/directory/ping/awaiting"))!.Select(a => a.GetProperty("campaignId").GetGuid()));
        using (var results403 = await poc.GetAsync($"/api/directory/ping/campaigns/{id}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, results403.StatusCode); // results are for focal points and the Secretariat
        }

        results = await ResultsAsync(manager, id);
        var overall = results.GetProperty("overall");
        Assert.Equal((3, 2, 1, 0), (overall.GetProperty("asked").GetInt32(), overall.GetProperty("acknowledged").GetInt32(),
            overall.GetProperty("undeliverable").GetInt32(), overall.GetProperty("waiting").GetInt32()));
        Assert.Equal(0.6667, results.GetProperty("byState").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "ISL").GetProperty("rate").GetDouble());
        Assert.Equal(JsonValueKind.Number, results.GetProperty("p90Minutes").ValueKind);
        Assert.Equal(2, results.GetProperty("timeline").EnumerateArray().Last().GetProperty("acknowledged").GetInt32());
        await Eventually.Until(() => ReachabilityAsync(manager, byLinkId), r => r == "verified", TimeSpan.FromSeconds(10), "the link's acknowledgement in the directory");
        await Eventually.Until(() => ReachabilityAsync(manager, signedInId), r => r == "verified", TimeSpan.FromSeconds(10), "the signed-in acknowledgement in the directory");

        // The State sees its own part; another State's focal point sees nothing of it.
        using var fp = DirectoryFlow.Client(System, focalPoint);
        Assert.Equal("ISL", (await fp.GetFromJsonAsync<JsonElement>($"/api/directory/ping/campaigns/{id}")).GetProperty("state").GetString());
        using var other = DirectoryFlow.Client(System, otherFocalPoint);
        using (var hidden = await other.GetAsync($"/api/directory/ping/campaigns/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }
        Assert.DoesNotContain(id, (await other.GetFromJsonAsync<JsonElement[]>("/api/directory/ping/campaigns"))!.Select(c => c.GetProperty("id").GetGuid()));

        var csv = (await dm.GetStringAsync($"/api/directory/ping/campaigns/{id}/export")).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("campaign,started_at,poc_id,state", csv[0]);
        Assert.Equal(["acknowledged", "acknowledged", "undeliverable"], csv.Skip(1).Select(l => l.Split(',')[9]).Order());

        // One ping e-mail each, whatever the retries and acknowledgements.
        Assert.Equal(1, PingEmailsTo(byLink));
        Assert.Equal(1, PingEmailsTo(signedIn.Email));
        Assert.Equal(0, PingEmailsTo(refused));
    }

    [Fact]
    public async Task Killing_Notifications_and_the_Directory_mid_campaign_leaves_exactly_one_e_mail_per_point_of_contact()
    {
        const int Recipients = 300;
        var manager = await DirectoryFlow.TokenOfAsync(System, "kill-dm", Roles.DirectoryManager);
        var addresses = await PingLoad.ListForCampaignAsync(System, manager, "TUV", Recipients, "kill");

        var (campaign, kills) = await PingLoad.StartWhileKillingAsync(System, manager, "TUV", addresses.Count, stallMailServer: true, 0.2);
        Assert.Equal(1, kills); // Notifications was killed while the campaign's e-mails were going out

        var counts = await PingLoad.WaitForEveryoneAsync(System, addresses, TimeSpan.FromMinutes(3));
        Assert.All(counts, c => Assert.Equal(1, c.Value));
        Assert.Equal(addresses.Count, counts.Count);
        Assert.Equal(addresses.Count, await System.ScalarAsync<long>(ResourceNames.NotificationsDb,
            "SELECT count(*) FROM email_deliveries WHERE template = 'ping-test' AND status = 'Sent' AND to_address LIKE 'kill-%'"));
        Assert.Equal(addresses.Count, await System.ScalarAsync<long>(ResourceNames.DirectoryDb,
            "SELECT count(*) FROM ping_recipients WHERE \"CampaignId\" = @c", ("c", campaign)));
    }

    [Fact]
    public async Task A_State_overdue_with_its_update_request_is_flagged_in_the_directory_and_on_the_overview_until_it_answers()
    {
        var manager = await DirectoryFlow.TokenOfAsync(System, "overdue-dm", Roles.DirectoryManager);
        var focalPoint = await DirectoryFlow.TokenOfAsync(System, "overdue-fp", Roles.FocalPoint, "LUX");
        var pocId = await DirectoryFlow.ListAsync(System, focalPoint, manager, "LUX", "Luc Weber", TestPerson.UniqueEmail("overdue-poc"));
        var requestId = Guid.NewGuid();
        var asked = DateTimeOffset.UtcNow.AddDays(-61);

        // Nominations says so through its outbox, as its worker does at 60 days, then the answer, then a stale copy.
        await FromNominationsAsync(new { requestId, state = "LUX", status = "overdue", requestedAt = asked, at = DateTimeOffset.UtcNow.AddMinutes(-1) });
        using var dm = DirectoryFlow.Client(System, manager);
        await Eventually.Until(() => OverdueAsync(dm), states => states.Contains("LUX"), TimeSpan.FromSeconds(60), "LUX overdue on the overview");
        await Eventually.Until(() => StateFlagAsync(dm), flag => flag, TimeSpan.FromSeconds(10), "LUX flagged in the directory");
        Assert.True((await dm.GetFromJsonAsync<JsonElement>($"/api/directory/pocs/{pocId}")).GetProperty("stateUpdateOverdue").GetBoolean());

        await FromNominationsAsync(new { requestId, state = "LUX", status = "answered", requestedAt = asked, at = DateTimeOffset.UtcNow });
        await Eventually.Until(() => OverdueAsync(dm), states => !states.Contains("LUX"), TimeSpan.FromSeconds(60), "LUX no longer overdue");
        await FromNominationsAsync(new { requestId, state = "LUX", status = "overdue", requestedAt = asked, at = DateTimeOffset.UtcNow.AddMinutes(-2) });
        await Eventually.Until(() => System.ScalarAsync<long>(ResourceNames.NominationsDb, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL"),
            n => n == 0, TimeSpan.FromSeconds(60), "the stale copy published");
        await InFlight.NothingAsync(System); // the stale copy handled
        Assert.DoesNotContain("LUX", await OverdueAsync(dm)); // a later answer is not undone by an older status
        await Eventually.Until(() => StateFlagAsync(dm), flag => !flag, TimeSpan.FromSeconds(10), "the flag gone from the directory");
    }

    private Task<int> FromNominationsAsync(object change) =>
        System.ScalarAsync<int>(ResourceNames.NominationsDb,
            "INSERT INTO outbox_messages (message_id, message_type, body, occurred_at, attempts) VALUES (gen_random_uuid(), @t, @b::jsonb, now(), 0) RETURNING 1",
            ("t", "PocDirectory.Contracts.Nominations.UpdateRequestStatusChanged, PocDirectory.Contracts"), ("b", JsonSerializer.Serialize(change, JsonSerializerOptions.Web)));

    private static async Task<List<string>> OverdueAsync(HttpClient dm) =>
        [.. (await dm.GetFromJsonAsync<JsonElement>("/api/directory/reachability")).GetProperty("overdueStates").EnumerateArray().Select(s => s.GetProperty("state").GetString()!)];

    private static async Task<bool> StateFlagAsync(HttpClient dm) =>
        (await dm.GetFromJsonAsync<JsonElement[]>("/api/directory/states"))!.Single(s => s.GetProperty("state").GetString() == "LUX").GetProperty("updateOverdue").GetBoolean();

    private int PingEmailsTo(string address) => PingLoad.PingEmails(System).GetValueOrDefault(address);

    private async Task<JsonElement> ResultsAsync(string token, Guid id)
    {
        using var http = DirectoryFlow.Client(System, token);
        return await http.GetFromJsonAsync<JsonElement>($"/api/directory/ping/campaigns/{id}");
    }

    private async Task<string?> ReachabilityAsync(string token, Guid pocId)
    {
        using var http = DirectoryFlow.Client(System, token);
        return (await http.GetFromJsonAsync<JsonElement>($"/api/directory/pocs/{pocId}")).GetProperty("reachability").GetString();
    }

    [GeneratedRegex(@"http://[^\s<>""]+/ping/acknowledge\?token=([A-Za-z0-9_-]+)")]
    public static partial Regex AcknowledgementLink();
}

/// <summary>
/// A campaign under faults, shared by the end-to-end test and the benchmark: its points of contact,
/// the kills in the middle, and the count of e-mails each one got.
/// </summary>
public static class PingLoad
{
    /// <summary>
    /// Lists one point of contact of <paramref name="state"/> through the whole flow, and then
    /// <paramref name="count"/> more at once, straight into
    /// the directory's table (the nomination flow is not what is measured here), copying a listed entry's
    /// details with a name and address of their own. A campaign reads the table; searches see them once
    /// the Directory next loads its snapshot.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ListForCampaignAsync(RunningSystem system, string manager, string state, int count, string prefix)
    {
        var focalPoint = await DirectoryFlow.TokenOfAsync(system, $"{prefix}-fp", Roles.FocalPoint, state);
        var templateEmail = TestPerson.UniqueEmail($"{prefix}-template");
        var template = await DirectoryFlow.ListAsync(system, focalPoint, manager, state, $"{prefix} template", templateEmail);
        var run = Guid.NewGuid().ToString("N")[..8];
        await system.ScalarAsync<int>(ResourceNames.DirectoryDb, """
            INSERT INTO poc_entries ("PocId", "State", "Version", "Status", "Details", "ListedAt", "UpdatedAt", "ChangeSequence", "Reachability", "MissedInARow")
            SELECT gen_random_uuid(), e."State", 1, 'Listed',
                   jsonb_set(jsonb_set(e."Details", '{email}', to_jsonb(@prefix || '-' || @run || '-' || n || '@example.org')), '{fullName}', to_jsonb('Load person ' || n)),
                   now(), now(), 0, 'pending', 0
            FROM poc_entries e, generate_series(1, @count) AS n
            WHERE e."PocId" = @template
            RETURNING 1
            """, ("prefix", prefix), ("run", run), ("count", count), ("template", template));
        return [templateEmail, .. Enumerable.Range(1, count).Select(n => $"{prefix}-{run}-{n}@example.org")];
    }

    /// <summary>
    /// Starts a campaign to the State's points of contact and kills (SIGKILL) the Directory right after
    /// the start, and Notifications each time the e-mails that arrived pass one of the fractions of
    /// <paramref name="count"/> given; waits for both to be running again after each kill. Returns the
    /// campaign and how many times Notifications was killed while e-mails were still going out.
    /// With <paramref name="stallMailServer"/>, the SMTP sink is stopped (SIGSTOP) a moment before each
    /// kill and continued after it, so that the kill finds Notifications waiting on the mail server, in
    /// the middle of a message, and never in the fraction of a millisecond between recording an e-mail
    /// as sent and the last byte of its data (a kill there loses that one e-mail: see EmailSender).
    /// </summary>
    public static async Task<(Guid Campaign, int NotificationKills)> StartWhileKillingAsync(
        RunningSystem system, string manager, string state, int count, bool stallMailServer, params double[] killNotificationsAt)
    {
        var maildir = Path.Combine(system.StateDirectory, "data", ResourceNames.Mail, "maildir", "new");
        var before = Directory.Exists(maildir) ? Directory.GetFiles(maildir).Length : 0;
        var directory = system.Resource(ResourceNames.Directory);
        using var http = DirectoryFlow.Client(system, manager);
        using var started = await http.PostAsJsonAsync("/api/directory/ping/campaigns", new { states = new[] { state } });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var campaign = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // The campaign's owner dies with its e-mails perhaps still in its outbox.
        Process.GetProcessById(directory.Pid!.Value).Kill(entireProcessTree: true);

        var kills = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        foreach (var fraction in killNotificationsAt.Order())
        {
            if (await KillOnceMailArrivedAsync(system, ResourceNames.Notifications, before, Math.Max(1, (int)(count * fraction)), count, stallMailServer, deadline) is null)
            {
                break; // every e-mail had arrived: nothing left to interrupt
            }
            kills++;
        }
        await system.WaitUntilAsync(r => r.Single(x => x.Name == ResourceNames.Directory) is { State: "Running" } x && x.Pid != directory.Pid,
            TimeSpan.FromMinutes(2), "the Directory running again");
        return (campaign, kills);
    }

    /// <summary>
    /// Once <paramref name="threshold"/> e-mails have arrived in the sink since <paramref name="before"/> were there (or the
    /// deadline passed), kills <paramref name="victim"/> (a service or a replica, SIGKILL) and waits until it runs again;
    /// returns that time, or null without a kill when all of <paramref name="skipWhenAll"/> had arrived already. With
    /// <paramref name="stallMailServer"/>, the sink is stopped (SIGSTOP) a moment before the kill and continued after it.
    /// </summary>
    public static async Task<TimeSpan?> KillOnceMailArrivedAsync(RunningSystem system, string victim, int before, int threshold, int? skipWhenAll,
        bool stallMailServer, DateTime deadline)
    {
        var maildir = Path.Combine(system.StateDirectory, "data", ResourceNames.Mail, "maildir", "new");
        while (DateTime.UtcNow < deadline && Directory.GetFiles(maildir).Length - before < threshold)
        {
            await Task.Delay(5);
        }
        if (Directory.GetFiles(maildir).Length - before >= skipWhenAll)
        {
            return null;
        }
        var mail = system.Resource(ResourceNames.Mail).Pid!.Value;
        if (stallMailServer)
        {
            Assert.True(PocDirectory.AppHost.Posix.Signal(mail, PocDirectory.AppHost.Posix.SigStop));
            await Task.Delay(300);
        }
        var killed = ReplicaLoad.KillAndAwaitAsync(system, victim); // the signal is sent before it first waits
        if (stallMailServer)
        {
            await Task.Delay(100);
            Assert.True(PocDirectory.AppHost.Posix.Signal(mail, PocDirectory.AppHost.Posix.SigCont));
        }
        return await killed;
    }

    /// <summary>The token of every acknowledgement link in the SMTP sink's maildir, each once.</summary>
    public static List<string> AcknowledgementTokens(RunningSystem system) =>
        Mailbox.Texts(system).Select(t => PingTests.AcknowledgementLink().Match(t)).Where(m => m.Success)
            .Select(m => m.Groups[1].Value).Distinct().ToList();

    /// <summary>Ping e-mails in the SMTP sink's maildir, by recipient.</summary>
    public static Dictionary<string, int> PingEmails(RunningSystem system)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in Mailbox.Texts(system))
        {
            var at = text.IndexOf("X-RcptTo: ", StringComparison.Ordinal);
            if (at < 0 || !text.Contains("Subject: Ping test", StringComparison.Ordinal) && !text.Contains("Subject: Reminder: Ping test", StringComparison.Ordinal))
            {
                continue;
            }
            var end = text.IndexOfAny(['\r', '\n'], at);
            var to = text[(at + "X-RcptTo: ".Length)..end].Trim();
            counts[to] = counts.GetValueOrDefault(to) + 1;
        }
        return counts;
    }

    /// <summary>Waits until every address has its ping e-mail; returns how many each got.</summary>
    public static async Task<Dictionary<string, int>> WaitForEveryoneAsync(RunningSystem system, IReadOnlyList<string> addresses, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var all = PingEmails(system);
            var everyone = addresses.All(a => all.GetValueOrDefault(a) >= 1);
            if (everyone || DateTime.UtcNow > deadline)
            {
                if (everyone)
                {
                    await InFlight.NothingAsync(system); // a late second copy would be counted now
                    all = PingEmails(system);
                }
                return addresses.ToDictionary(a => a, a => all.GetValueOrDefault(a));
            }
            await Task.Delay(500);
        }
    }
}
