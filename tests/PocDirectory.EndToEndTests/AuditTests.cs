using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace PocDirectory.EndToEndTests;

/// <summary>Acts in one service reach the one audit log through the outbox, chained; the command verifies the chain.</summary>
[Collection(SystemCollection.Name)]
public sealed class AuditTests(SystemFixture fixture)
{
    [Fact]
    public async Task Issued_and_refused_tokens_and_administrative_acts_are_in_the_audit_log_and_the_chain_verifies()
    {
        await fixture.TokenAsync("directory.read");
        var refused = await fixture.Client.RequestTokenAsync(fixture.Gateway, "directory.read", secret: "wrong");
        Assert.False(refused.IsSuccessStatusCode);

        var records = await WaitForAsync(rows =>
            rows.Any(r => r.Action == "machine-client.created" && r.Target == "e2e-cert-fra" && r.Actor.StartsWith("operator:", StringComparison.Ordinal)) &&
            rows.Any(r => r.Action == "token.issued" && r.Actor == "e2e-cert-fra" && r.State == "FRA" && r.TraceId is { Length: 32 } && r.ClientIp is not null) &&
            rows.Any(r => r.Action == "token.refused" && r.Actor == "e2e-cert-fra" && r.Outcome == "failure" && r.Detail!.Contains("invalid_client")));
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.Sequence));

        // Identity checkpoints the log's head outside the database, in the state folder, signed with the chain key.
        var checkpoints = Path.Combine(fixture.System.StateDirectory, "audit", "checkpoints.jsonl");
        await Eventually.Until(() => Task.FromResult(File.Exists(checkpoints) && File.ReadAllLines(checkpoints).Length > 0), present => present,
            TimeSpan.FromSeconds(75), "a checkpoint of the audit log");
        var (exitCode, output, error) = await MachineClient.RunAsync(fixture.System, "audit", "verify");
        Assert.True(exitCode == 0, error);
        Assert.Contains("Audit log intact", output);
        Assert.Contains("checkpoints outside the database agree with it", output);
        // Each record names the program that sent it over the broker.
        await using var connection = new NpgsqlConnection(fixture.System.DatabaseConnectionString(ResourceNames.IdentityDb));
        await connection.OpenAsync();
        await using var senders = new NpgsqlCommand("SELECT DISTINCT sender FROM audit_log WHERE action = 'token.issued'", connection);
        Assert.StartsWith("PocDirectory.Identity on ", (string)(await senders.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Reads_of_contact_details_draft_edits_and_link_uses_each_leave_a_record()
    {
        var system = fixture.System;
        // A State of its own (New Zealand): other tests read FRA's nominations and must not meet this one.
        var focalPoint = await DirectoryFlow.TokenOfAsync(system, "fp-audit", Roles.FocalPoint, "NZL");
        var manager = await DirectoryFlow.TokenOfAsync(system, "dm-audit", Roles.DirectoryManager);
        var email = TestPerson.UniqueEmail("audited");
        using var fp = DirectoryFlow.Client(system, focalPoint);
        using var dm = DirectoryFlow.Client(system, manager);
        using var anonymous = DirectoryFlow.Client(system, null);

        // A draft, edited, then submitted: the nominee gets the link.
        using var created = await fp.PostAsJsonAsync("/api/nominations", new { state = "NZL", details = DirectoryFlow.Details("Anne Audit", email), submit = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("summary").GetProperty("id").GetGuid();
        using (var edited = await fp.PutAsJsonAsync($"/api/nominations/{id}", DirectoryFlow.Details("Anne Audit-Martin", email)))
        {
            Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        }
        using (var submitted = await fp.PostAsync($"/api/nominations/{id}/submission", null))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        }
        using (var read = await fp.GetAsync($"/api/nominations/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        using (var state = await fp.GetAsync("/api/nominations/states/NZL"))
        {
            Assert.Equal(HttpStatusCode.OK, state.StatusCode);
        }
        using (var queue = await dm.GetAsync("/api/nominations/review"))
        {
            Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        }
        var token = (await Mailbox.WaitForAsync(system, email, DirectoryFlow.ConfirmationLink())).Groups[1].Value;
        using (var lookup = await anonymous.PostAsJsonAsync("/api/nominations/confirmation/lookup", new { token }))
        {
            Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        }
        var guess = "guess-" + Guid.NewGuid().ToString("N");
        using (var acknowledged = await anonymous.PostAsJsonAsync("/api/directory/ping/acknowledgements", new { token = guess }))
        {
            Assert.Equal(HttpStatusCode.NotFound, acknowledged.StatusCode);
        }

        var target = id.ToString();
        var rows = await WaitForAsync(rows =>
            rows.Any(r => r.Action == "nomination.draft-edited" && r.Target == target) &&
            rows.Any(r => r.Action == "nomination.read" && r.Target == target && r.State == "NZL") &&
            rows.Any(r => r.Action == "nominations.state-read" && r.State == "NZL") &&
            rows.Any(r => r.Action == "nominations.review-queue-read") &&
            rows.Any(r => r.Action == "nomination.looked-up" && r.Target == target && r.Actor == "confirmation-link") &&
            rows.Any(r => r.Action == "ping.acknowledged-by-link" && r.Outcome == "failure" && r.Detail == "NotFound"));
        // Each names who and from where; the link's token itself is never written down.
        Assert.All(rows.Where(r => r.Target == target), r => Assert.NotNull(r.ClientIp));
        Assert.DoesNotContain(rows, r => (r.Detail ?? "").Contains(token, StringComparison.Ordinal) || (r.Detail ?? "").Contains(guess, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_read_the_directory_manager_may_make_leaves_its_record_in_the_audit_log()
    {
        var system = fixture.System;
        var person = await TestPerson.CreateAsync(system, "audit-every-read", Roles.DirectoryManager);
        var tokens = await person.SignInForTokensAsync(system);
        var data = tokens.GetProperty("access_token").GetString()!;
        var identity = (await TestPerson.ForIdentityAsync(system, tokens)).GetProperty("access_token").GetString()!;
        var subject = AccessTests.Decode(data).Payload["sub"]!.GetValue<string>();
        var focalPoint = await DirectoryFlow.TokenOfAsync(system, "audit-every-read-fp", Roles.FocalPoint, "FRA");
        var listed = await DirectoryFlow.ListAsync(system, focalPoint, data, "FRA", "Audited Reader", TestPerson.UniqueEmail("audit-every-read"));
        var meeting = await MeetingsFlow.ScheduleAsync(system, data, MeetingsFlow.ForMemberStates("Audited consultations"));

        var called = new List<(string Endpoint, IReadOnlyList<string> Actions)>();
        foreach (var ((service, method, route), entry) in AuditTable.Endpoints.Where(e => e.Key.Method == "GET" && e.Value != "-"))
        {
            // Every path of the matrix for it that the directory manager may read (another State's, a known entry …).
            var paths = AuthorizationMatrix.Rows.Where(r => r.Service == service && r.Method == method && r.Route == route && r.Expected.Split(' ')[1] == "200").ToList();
            if (paths.Count == 0)
            {
                continue; // the directory manager may not read it: nothing to record
            }
            foreach (var row in paths)
            {
                using var http = new HttpClient { BaseAddress = system.Url(ResourceNames.Gateway) };
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
                    service == ResourceNames.Identity ? identity : data);
                using var response = await http.GetAsync(row.Path.Replace("{listed FRA}", listed.ToString()).Replace("{meeting}", meeting.ToString()));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {row.Path}: {response.StatusCode}");
            }
            called.Add(($"{method} {route}", AuditTable.Actions(entry)));
        }
        Assert.True(called.Count >= 10, $"only {called.Count} reads were made"); // the table's reads, not a few of them

        var rows = await WaitForAsync(rows => called.All(c => rows.Any(r => r.Actor == subject && c.Actions.Contains(r.Action))));
        Assert.All(rows.Where(r => r.Actor == subject), r => Assert.NotNull(r.ClientIp));
    }

    private sealed record Row(long Sequence, string Action, string Actor, string? State, string? Target, string Outcome, string? Detail, string? TraceId, string? ClientIp);

    private async Task<List<Row>> WaitForAsync(Func<List<Row>, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var rows = new List<Row>();
            await using (var connection = new NpgsqlConnection(fixture.System.DatabaseConnectionString(ResourceNames.IdentityDb)))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT sequence, action, actor, state, target, outcome, detail, trace_id, client_ip FROM audit_log ORDER BY sequence", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Text(reader, 3), Text(reader, 4),
                        reader.GetString(5), Text(reader, 6), Text(reader, 7), Text(reader, 8)));
                }
            }
            if (condition(rows))
            {
                return rows;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the audit log holds {rows.Count} records: {string.Join(", ", rows.Select(r => $"{r.Action}/{r.Actor}"))}");
            await Task.Delay(500);
        }
    }

    private static string? Text(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
