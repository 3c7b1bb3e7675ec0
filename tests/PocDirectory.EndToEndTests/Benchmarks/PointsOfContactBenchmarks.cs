using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace PocDirectory.EndToEndTests.Benchmarks;

/// <summary>
/// Measurements, not tests: run by <c>benchmarks/points-of-contact.sh</c> (and left out of
/// <c>./test.sh</c> by their category). Each starts a system of its own and drives the whole flow
/// through the gateway: nominate, the nominee's e-mailed link, approve. They assert only what must
/// hold whatever the speed (every approved point of contact listed exactly once); the figures are
/// written to <c>TestResults/benchmarks/</c> and into docs/benchmarks.md by hand.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class PointsOfContactBenchmarks(ITestOutputHelper output)
{
    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("POCDIR_BENCH_COUNT"), out var n) && n > 0 ? n : 1000;

    private static readonly Dictionary<string, string> Unlimited = BenchmarkReport.Unlimited();

    [Fact]
    public async Task Approval_to_visible_in_a_directory_search()
    {
        await using var system = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4), Unlimited);
        var focalPoint = await Signer.CreateAsync(system, "bench-fp", Roles.FocalPoint, "CAN");
        var manager = await Signer.CreateAsync(system, "bench-dm", Roles.DirectoryManager);
        var nominations = await NominateAndConfirmAsync(system, focalPoint, "CAN", Count);

        var fromRequest = new List<double>();
        var fromCommit = new List<double>();
        foreach (var n in nominations)
        {
            var token = await manager.TokenAsync();
            using var http = DirectoryFlow.Client(system, token);
            var clock = Stopwatch.StartNew();
            using (var approved = await http.PostAsJsonAsync($"/api/nominations/{n.Id}/decision", new { decision = "approve", revision = 1 }))
            {
                Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            }
            var committed = clock.Elapsed.TotalMilliseconds;
            while (true)
            {
                var found = await http.GetFromJsonAsync<JsonElement>($"/api/directory/pocs?q={n.Word}&pageSize=1");
                if (found.GetProperty("total").GetInt32() == 1)
                {
                    break;
                }
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{n.Word} not visible after 30 s");
            }
            fromRequest.Add(clock.Elapsed.TotalMilliseconds);
            fromCommit.Add(clock.Elapsed.TotalMilliseconds - committed);
        }

        BenchmarkReport.Write(output, "approval-to-visible",
            $"{Count} approvals, one after another, each followed by searches for the new name until it is found (gateway, directory manager's token)",
            $"from the approval's request: p50 {BenchmarkReport.Percentile(fromRequest, 50):0.0} ms, p90 {BenchmarkReport.Percentile(fromRequest, 90):0.0} ms, p99 {BenchmarkReport.Percentile(fromRequest, 99):0.0} ms, max {fromRequest.Max():0.0} ms",
            $"from the approval's answer (committed): p50 {BenchmarkReport.Percentile(fromCommit, 50):0.0} ms, p90 {BenchmarkReport.Percentile(fromCommit, 90):0.0} ms, p99 {BenchmarkReport.Percentile(fromCommit, 99):0.0} ms, max {fromCommit.Max():0.0} ms");
    }

    [Fact]
    public async Task Nominations_through_two_Directory_kills_and_a_broker_restart_are_each_listed_once()
    {
        await using var system = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4), Unlimited);
        var focalPoint = await Signer.CreateAsync(system, "fault-fp", Roles.FocalPoint, "NZL");
        var manager = await Signer.CreateAsync(system, "fault-dm", Roles.DirectoryManager);
        var nominations = await NominateAndConfirmAsync(system, focalPoint, "NZL", Count);

        // Approvals two at a time; at a quarter, a half and three quarters: kill -9 the Directory, the
        // broker, the Directory again. The AppHost starts each again.
        var faults = new Dictionary<int, string>
        {
            [Count / 4] = ResourceNames.Directory,
            [Count / 2] = ResourceNames.Messaging,
            [Count * 3 / 4] = ResourceNames.Directory,
        };
        var done = 0;
        var log = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(nominations, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (n, ct) =>
        {
            using var http = DirectoryFlow.Client(system, await manager.TokenAsync());
            using var approved = await http.PostAsJsonAsync($"/api/nominations/{n.Id}/decision", new { decision = "approve", revision = 1 }, ct);
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            var approvals = Interlocked.Increment(ref done);
            if (faults.TryGetValue(approvals, out var victim))
            {
                var pid = system.Resource(victim).Pid!.Value;
                Process.GetProcessById(pid).Kill(entireProcessTree: true);
                log.Enqueue($"{clock.Elapsed.TotalSeconds:0.0} s, after {approvals} approvals: killed {victim} (pid {pid}, SIGKILL)");
            }
        });
        log.Enqueue($"{clock.Elapsed.TotalSeconds:0.0} s: all {Count} approved");

        var listed = await Eventually.Until(() => CountAsync(system, ResourceNames.DirectoryDb, "SELECT count(*) FROM poc_entries WHERE \"State\" = 'NZL'"),
            n => n >= Count, TimeSpan.FromMinutes(10), $"{Count} entries listed");
        log.Enqueue($"{clock.Elapsed.TotalSeconds:0.0} s: all {listed} listed");
        await Eventually.Until(() => CountAsync(system, ResourceNames.IdentityDb, "SELECT count(*) FROM invitations WHERE state = 'NZL' AND email LIKE 'fault-w%'"),
            n => n >= Count, TimeSpan.FromMinutes(10), $"{Count} invitations");
        await InFlight.NothingAsync(system, TimeSpan.FromMinutes(5)); // any late duplicate would be counted now

        var approved = await CountAsync(system, ResourceNames.NominationsDb, "SELECT count(*) FROM nominations WHERE \"State\" = 'NZL' AND \"Status\" = 'Approved'");
        var entries = await CountAsync(system, ResourceNames.DirectoryDb, "SELECT count(*) FROM poc_entries WHERE \"State\" = 'NZL'");
        var versions = await CountAsync(system, ResourceNames.DirectoryDb,
            "SELECT count(*) FROM poc_entry_versions v JOIN poc_entries e ON e.\"PocId\" = v.\"PocId\" WHERE e.\"State\" = 'NZL'");
        var feed = await CountAsync(system, ResourceNames.DirectoryDb, "SELECT count(*) FROM poc_changes WHERE \"State\" = 'NZL'");
        var notListed = await CountAsync(system, ResourceNames.DirectoryDb,
            $"SELECT count(*) FROM unnest(ARRAY[{string.Join(',', nominations.Select(n => $"'{n.PocId}'::uuid"))}]) AS p(id) WHERE NOT EXISTS (SELECT 1 FROM poc_entries e WHERE e.\"PocId\" = p.id)");
        var invitations = await CountAsync(system, ResourceNames.IdentityDb, "SELECT count(*) FROM invitations WHERE state = 'NZL' AND email LIKE 'fault-w%'");
        var invited = await CountAsync(system, ResourceNames.IdentityDb, "SELECT count(DISTINCT email) FROM invitations WHERE state = 'NZL' AND email LIKE 'fault-w%'");
        var incomplete = await CountAsync(system, ResourceNames.NominationsDb,
            """
            SELECT count(*) FROM nominations n WHERE n."State" = 'NZL' AND
              (SELECT array_agg(e."Action"::text ORDER BY e."Id") FROM nomination_events e WHERE e."NominationId" = n."Id") <> ARRAY['created','submitted','confirmed','approved']::text[]
            """);

        BenchmarkReport.Write(output, "nominations-under-faults", $"{Count} nominations of NZL through the whole flow (nominate, e-mailed link, approve two at a time)",
            [.. log,
             $"approved nominations: {approved}",
             $"directory entries: {entries}; approved but not listed: {notListed}",
             $"entry versions: {versions} (one each: {versions == entries})",
             $"changes feed rows: {feed} (one each: {feed == entries})",
             $"invitations: {invitations} to {invited} addresses",
             $"nominations whose history is not exactly created, submitted, confirmed, approved: {incomplete}"]);

        Assert.Equal((long)Count, approved);
        Assert.Equal((approved, 0L, approved, approved, approved, approved, 0L), (entries, notListed, versions, feed, invitations, invited, incomplete));
    }

    private sealed record Nominated(Guid Id, Guid PocId, string Email, string Word);

    /// <summary>Submits <paramref name="count"/> nominations (four at a time), then follows every e-mailed link.</summary>
    private async Task<IReadOnlyList<Nominated>> NominateAndConfirmAsync(RunningSystem system, Signer focalPoint, string state, int count)
    {
        var clock = Stopwatch.StartNew();
        var nominated = new ConcurrentBag<Nominated>();
        var prefix = focalPoint.Prefix.Split('-')[0];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var word = $"w{Guid.NewGuid():N}"[..12];
            var email = $"{prefix}-{word}@example.org";
            using var http = DirectoryFlow.Client(system, await focalPoint.TokenAsync());
            using var response = await http.PostAsJsonAsync("/api/nominations",
                new { state, details = DirectoryFlow.Details($"Bench {word}", email, "diplomatic"), submit = true }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.StatusCode == HttpStatusCode.Created, body);
            var summary = JsonDocument.Parse(body).RootElement.GetProperty("summary");
            nominated.Add(new Nominated(summary.GetProperty("id").GetGuid(), summary.GetProperty("pocId").GetGuid(), email, word));
        });
        output.WriteLine($"{count} nominations submitted in {clock.Elapsed.TotalSeconds:0.0} s");

        var links = await Eventually.Until(() => Task.FromResult(ConfirmationLinks(system)),
            found => nominated.All(n => found.ContainsKey(n.Email)), TimeSpan.FromMinutes(10), $"{count} confirmation e-mails");
        await Parallel.ForEachAsync(nominated, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (n, ct) =>
        {
            using var http = DirectoryFlow.Client(system, null);
            using var response = await http.PostAsJsonAsync("/api/nominations/confirmation", new { token = links[n.Email], consent = true }, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        output.WriteLine($"{count} confirmed after {clock.Elapsed.TotalSeconds:0.0} s");
        return [.. nominated.OrderBy(n => n.Id)];
    }

    /// <summary>Every confirmation link in the SMTP sink's maildir, by recipient.</summary>
    private static Dictionary<string, string> ConfirmationLinks(RunningSystem system)
    {
        var links = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in Mailbox.Texts(system))
        {
            var to = System.Text.RegularExpressions.Regex.Match(text, @"X-RcptTo: (\S+)");
            if (to.Success && DirectoryFlow.ConfirmationLink().Match(text) is { Success: true } link)
            {
                links.TryAdd(to.Groups[1].Value, link.Groups[1].Value); // newest first: a reminder's link wins
            }
        }
        return links;
    }

    private static Task<long> CountAsync(RunningSystem system, string database, string sql) => system.ScalarAsync<long>(database, sql);



    /// <summary>A person's tokens, signed in again before they expire (they live 10 minutes).</summary>
    private sealed class Signer(RunningSystem system, TestPerson person, string prefix)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private string? _token;
        private DateTime _until;

        public string Prefix => prefix;

        public static async Task<Signer> CreateAsync(RunningSystem system, string prefix, string role, string? state = null) =>
            new(system, await TestPerson.CreateAsync(system, prefix, role, state), prefix);

        public async Task<string> TokenAsync()
        {
            await _gate.WaitAsync();
            try
            {
                if (_token is null || DateTime.UtcNow > _until)
                {
                    _token = (await person.SignInForTokensAsync(system)).GetProperty("access_token").GetString()!;
                    _until = DateTime.UtcNow.AddMinutes(8);
                }
                return _token;
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
