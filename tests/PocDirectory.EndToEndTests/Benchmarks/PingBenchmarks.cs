using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace PocDirectory.EndToEndTests.Benchmarks;

/// <summary>
/// Ping tests measured, not tested: run by <c>benchmarks/ping-tests.sh</c> (and left out of
/// <c>./test.sh</c> by their category), each on a system of its own. A campaign to many points of
/// contact until the mail server has accepted every message; then every one of them acknowledging
/// through the gateway; and a campaign through kills (SIGKILL) of the Directory and Notifications,
/// printing how many messages each point of contact got. Only what must hold whatever the speed is
/// asserted; the figures go to <c>TestResults/benchmarks/</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class PingBenchmarks(ITestOutputHelper output)
{
    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("POCDIR_BENCH_PING_COUNT"), out var n) && n > 0 ? n : 10_000;

    private static int KillCount => int.TryParse(Environment.GetEnvironmentVariable("POCDIR_BENCH_PING_KILL_COUNT"), out var n) && n > 0 ? n : 2_000;

    private static readonly Dictionary<string, string> Unlimited = new(BenchmarkReport.Unlimited()) { ["Email__Lease"] = "00:00:10" };

    [Fact]
    public async Task A_campaign_until_the_mail_server_accepted_everything_then_every_acknowledgement_through_the_gateway()
    {
        await using var system = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4), Unlimited);
        var manager = await DirectoryFlow.TokenOfAsync(system, "bench-ping-dm", Roles.DirectoryManager);
        var addresses = await PingLoad.ListForCampaignAsync(system, manager, "BEN", Count - 1, "bench");
        var maildir = Path.Combine(system.StateDirectory, "data", ResourceNames.Mail, "maildir", "new");

        using var http = DirectoryFlow.Client(system, manager);
        // A system that has just started still compiles its code and runs its first rounds for a minute or so; a campaign
        // is measured once the machine is quiet, as it would be on a system that has run a while.
        var settle = await ProcessCpu.SettleAsync(0.3, TimeSpan.FromSeconds(90));
        var before = Directory.GetFiles(maildir).Length; // counted once settled: an e-mail of the set-up may arrive meanwhile
        var campaignCpu = ProcessCpu.Snapshot(system);
        var clock = Stopwatch.StartNew();
        using var started = await http.PostAsJsonAsync("/api/directory/ping/campaigns", new { states = new[] { "BEN" } });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var answered = clock.Elapsed;
        var campaign = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        TimeSpan? first = null;
        while (Directory.GetFiles(maildir).Length - before < addresses.Count)
        {
            if (first is null && Directory.GetFiles(maildir).Length > before)
            {
                first = clock.Elapsed;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(10), "every e-mail accepted within 10 minutes");
            await Task.Delay(50);
        }
        var all = clock.Elapsed;
        var campaignCpuAfter = ProcessCpu.Snapshot(system);
        var counts = PingLoad.PingEmails(system);
        Assert.All(addresses, a => Assert.Equal(1, counts.GetValueOrDefault(a)));

        // Every recipient acknowledges with its link, through the gateway, 32 at a time.
        var tokens = PingLoad.AcknowledgementTokens(system);
        Assert.Equal(addresses.Count, tokens.Count);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 32, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var gateway = new HttpClient(handler) { BaseAddress = system.Url(ResourceNames.Gateway) };
        var latencies = new ConcurrentBag<double>();
        var failures = 0;
        // 10 s of warm-up on links that are not known (404), as the search's benchmark warms up for 10 s: connections ready
        // and the code compiled to its final tier (with 500 requests only, a profile of the Directory found its JIT compiler
        // on 28 % of the samples while the acknowledgements were measured: a service that has run a while has none of that).
        var warmUp = Stopwatch.StartNew();
        var warmUpRequests = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, int.MaxValue).TakeWhile(_ => warmUp.Elapsed < TimeSpan.FromSeconds(10)),
            new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            {
                using var _ = await gateway.PostAsJsonAsync("/api/directory/ping/acknowledgements", new { token = $"warm-up-{i}" }, ct);
                Interlocked.Increment(ref warmUpRequests);
            });
        // Each warm-up request left an audit record on its way to Identity: measured once they all arrived, not beside them.
        // No link was used before the warm-up on this system of its own: every link's record so far is a warm-up request's.
        await Eventually.Until(() => ReplicaLoad.AuditRowsAsync(system, "ping.acknowledged-by-link", "ping-link"),
            r => r.Rows >= warmUpRequests, TimeSpan.FromMinutes(5), "every warm-up request's audit record in Identity");
        var acksCpu = ProcessCpu.Snapshot(system);
        var acks = Stopwatch.StartNew();
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (token, ct) =>
        {
            var one = Stopwatch.StartNew();
            using var response = await gateway.PostAsJsonAsync("/api/directory/ping/acknowledgements", new { token }, ct);
            latencies.Add(one.Elapsed.TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref failures);
            }
        });
        acks.Stop();
        var acksCpuAfter = ProcessCpu.Snapshot(system);
        Assert.Equal(0, failures);
        var results = await http.GetFromJsonAsync<JsonElement>($"/api/directory/ping/campaigns/{campaign}");
        Assert.Equal(addresses.Count, results.GetProperty("overall").GetProperty("acknowledged").GetInt32());

        var sorted = latencies.Order().ToList();
        BenchmarkReport.Write(output, "ping-campaign",
            $"a ping test to {addresses.Count} points of contact of one State (Debug or Release as built), e-mailed through Notifications to the SMTP sink",
            settle.ToString(),
            $"start request answered (campaign, recipients, links and e-mail batches committed): {answered.TotalSeconds:0.00} s",
            $"first e-mail in the sink: {first?.TotalSeconds ?? all.TotalSeconds:0.00} s; every e-mail accepted by the sink: {all.TotalSeconds:0.00} s ({addresses.Count / all.TotalSeconds:0} e-mails/s)",
            $"every point of contact got exactly one e-mail: {counts.Count(c => c.Value == 1)} of {addresses.Count}",
            ProcessCpu.PerUnit(campaignCpu, campaignCpuAfter, addresses.Count, "e-mail, from the start to the last accepted"));
        BenchmarkReport.Write(output, "ping-acknowledgements",
            $"{tokens.Count} acknowledgements with the e-mailed links, POST through the gateway, 32 at a time, from this machine",
            $"{tokens.Count / acks.Elapsed.TotalSeconds:0} acknowledgements/s over {acks.Elapsed.TotalSeconds:0.00} s, all 200",
            $"latency p50 {BenchmarkReport.Percentile(sorted, 50):0.0} ms, p90 {BenchmarkReport.Percentile(sorted, 90):0.0} ms, p99 {BenchmarkReport.Percentile(sorted, 99):0.0} ms, max {sorted[^1]:0.0} ms",
            ProcessCpu.PerUnit(acksCpu, acksCpuAfter, tokens.Count, "acknowledgement"));
    }

    [Fact]
    public async Task A_campaign_through_kills_of_the_Directory_and_Notifications_sends_each_point_of_contact_one_message()
    {
        await using var system = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4), Unlimited);
        var manager = await DirectoryFlow.TokenOfAsync(system, "bench-kill-dm", Roles.DirectoryManager);
        var addresses = await PingLoad.ListForCampaignAsync(system, manager, "TUV", KillCount - 1, "benchkill");

        var clock = Stopwatch.StartNew();
        // Kills at whatever moment they land, the mail server running: the hard case.
        var (campaign, kills) = await PingLoad.StartWhileKillingAsync(system, manager, "TUV", addresses.Count, stallMailServer: false, 0.25, 0.5, 0.75);
        var counts = await PingLoad.WaitForEveryoneAsync(system, addresses, TimeSpan.FromMinutes(10));
        var histogram = counts.GroupBy(c => c.Value).OrderBy(g => g.Key).Select(g => $"{g.Key} message(s): {g.Count()} points of contact").ToList();
        var sent = await system.ScalarAsync<long>(ResourceNames.NotificationsDb,
            "SELECT count(*) FROM email_deliveries WHERE template = 'ping-test' AND status = 'Sent' AND to_address LIKE 'benchkill-%'");
        BenchmarkReport.Write(output, "ping-kill",
            $"a ping test to {addresses.Count} points of contact; the Directory killed (SIGKILL) right after the start, Notifications {kills} times while the e-mails went out",
            [$"campaign {campaign}: all delivered after {clock.Elapsed.TotalSeconds:0.0} s; delivery log: {sent} sent", .. histogram]);
        Assert.All(counts, c => Assert.InRange(c.Value, 0, 1)); // never twice; a kill between an e-mail's record and its last byte would show a 0
        Assert.True(kills >= 1, "Notifications was killed while e-mails were going out");
    }


}
