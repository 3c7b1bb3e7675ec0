using Xunit.Abstractions;

namespace PocDirectory.EndToEndTests.Benchmarks;

/// <summary>
/// The runs with several replicas and a broker cluster, larger than <c>ScalingTests</c> and with their figures:
/// <c>benchmarks/replicas.sh</c> (left out of <c>./test.sh</c> by their category). Each starts a system of its own
/// with <c>--replicas 2</c>, the broker run also with <c>--broker-nodes 3</c>. The counts are asserted; the times are reported.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class ReplicaBenchmarks(ITestOutputHelper output)
{
    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("POCDIR_BENCH_REPLICA_SECONDS"), out var n) && n > 0 ? n : 20;

    private static int Events => int.TryParse(Environment.GetEnvironmentVariable("POCDIR_BENCH_BROKER_EVENTS"), out var n) && n > 0 ? n : 10_000;

    private static int Recipients => int.TryParse(Environment.GetEnvironmentVariable("POCDIR_BENCH_REPLICA_RECIPIENTS"), out var n) && n > 0 ? n : 2_000;

    private static Task<RunningSystem> StartAsync(params string[] arguments) =>
        RunningSystem.StartAsync(TimeSpan.FromMinutes(8), new Dictionary<string, string>(BenchmarkReport.Unlimited()) { ["Email__Lease"] = "00:00:10" },
            ["--replicas", "2", .. arguments]);

    private static async Task<(string Manager, Guid PocId)> ListOneAsync(RunningSystem system)
    {
        var manager = await DirectoryFlow.TokenOfAsync(system, "bench-scale-dm", Roles.DirectoryManager);
        var focalPoint = await DirectoryFlow.TokenOfAsync(system, "bench-scale-fp", Roles.FocalPoint, "KEN");
        return (manager, await DirectoryFlow.ListAsync(system, focalPoint, manager, "KEN", "Wanjiru Kamau", TestPerson.UniqueEmail("bench-scale-poc")));
    }

    [Fact]
    public async Task Reads_through_the_gateway_while_each_Directory_replica_in_turn_is_killed_then_a_campaign_while_each_Notifications_replica_is_then_its_acknowledgements_while_each_Directory_replica_is()
    {
        await using var system = await StartAsync();
        var (manager, pocId) = await ListOneAsync(system);
        var token = await DirectoryFlow.TokenOfAsync(system, "bench-scale-reader", Roles.DirectoryManager);
        var (reads, kills, entryReads) = await ReplicaLoad.ReadsWhileDirectoryReplicasDieAsync(system, token, pocId, workers: 32, settle: TimeSpan.FromSeconds(Seconds));
        output.WriteLine(reads.ToString());
        Assert.Equal(0, reads.Failed);
        var actor = ReplicaLoad.SubjectOf(token);
        await Eventually.Until(() => ReplicaLoad.AuditRowsAsync(system, "poc.read", actor), r => r.Rows >= entryReads, TimeSpan.FromMinutes(3), "every read audited");
        await InFlight.NothingAsync(system); // a late copy would be counted now
        var (rows, distinct) = await ReplicaLoad.AuditRowsAsync(system, "poc.read", actor);
        var parked = await ReplicaLoad.ParkedMessagesAsync(system);

        var addresses = await PingLoad.ListForCampaignAsync(system, manager, "TUV", Recipients - 1, "benchreplica");
        var (perAddress, mailKills) = await ReplicaLoad.CampaignWhileNotificationsReplicasDieAsync(system, manager, "TUV", addresses);
        var histogram = perAddress.GroupBy(a => a.Value).OrderBy(g => g.Key).Select(g => $"{g.Key} e-mail(s): {g.Count()} points of contact");

        // Every recipient acknowledges with its link through the gateway while each Directory replica in turn is killed.
        var tokens = PingLoad.AcknowledgementTokens(system);
        Assert.Equal(addresses.Count, tokens.Count);
        var (uses, secondUses, ackKills) = await ReplicaLoad.AcknowledgementsWhileDirectoryReplicasDieAsync(system, tokens, workers: 8, TimeSpan.FromMilliseconds(100));
        output.WriteLine(uses.ToString());
        var acknowledged = await system.ScalarAsync<long>(ResourceNames.DirectoryDb, "SELECT count(*) FROM ping_recipients WHERE \"AcknowledgedAt\" IS NOT NULL");
        // A use that reached a replica and committed is audited once; one whose replica died before the commit left nothing.
        var linkUses = await Eventually.Until(() => ReplicaLoad.AuditRowsAsync(system, "ping.acknowledged-by-link", "ping-link"),
            r => r.Rows >= tokens.Count, TimeSpan.FromMinutes(3), "every acknowledgement audited");
        await InFlight.NothingAsync(system); // a late record would be counted now
        linkUses = await ReplicaLoad.AuditRowsAsync(system, "ping.acknowledged-by-link", "ping-link");
        var recordedAs = await LinkUsesByDetailAsync(system);
        var parkedAfter = await ReplicaLoad.ParkedMessagesAsync(system);

        BenchmarkReport.Write(output, "replicas",
            $"--replicas 2 (every service, the gateway and the Web); a search and one audited entry read in turn by 32 callers through the gateway, each Directory replica killed (SIGKILL) in turn, {Seconds} s of load before, between and after",
            [reads.ToString(),
             .. kills.Select(k => $"{k.Replica}: SIGKILL to running and healthy again {k.Recovery.TotalSeconds:0.0} s"),
             $"entry reads answered: {entryReads}; audit rows: {rows} ({distinct} distinct; a read resent after its replica died may be audited by both); messages parked in _error queues: {parked}",
             $"then a ping test to {addresses.Count} points of contact, each Notifications replica killed in turn (at 25 % and 66 % of the e-mails):",
             .. mailKills.Select(k => $"{k.Replica}: SIGKILL to running and healthy again {k.Recovery.TotalSeconds:0.0} s"),
             .. histogram,
             $"then every recipient's link used once through the gateway (8 callers, 100 ms apart), each Directory replica killed in turn (at a fifth and three fifths of the links):",
             uses.ToString(),
             .. ackKills.Select(k => $"{k.Replica}: SIGKILL to running and healthy again {k.Recovery.TotalSeconds:0.0} s"),
             $"each failed use made again (a recipient clicking again): {(secondUses.Count == 0 ? "none" : string.Join(", ", secondUses.Select(a => $"{a.Key} × {a.Value}")))} (410: it had been recorded before its answer was lost)",
             $"points of contact acknowledged: {acknowledged} of {tokens.Count}; link uses audited: {linkUses.Rows} ({linkUses.Distinct} distinct; {string.Join(", ", recordedAs.Select(r => $"{r.Key} {r.Value}"))}) for {tokens.Count + uses.Failed} uses sent; messages parked in _error queues: {parkedAfter}"]);
        Assert.Equal(rows, distinct);
        Assert.Equal(0, parked);
        Assert.All(perAddress, a => Assert.Equal(1, a.Value));
        Assert.Equal(tokens.Count, acknowledged); // nothing lost: each acknowledged, once (a second use changes nothing)
        Assert.Equal(uses.Failed, secondUses.Values.Sum());
        Assert.All(secondUses.Keys, status => Assert.Contains(status, new[] { "200", "410" }));
        Assert.Equal(linkUses.Rows, linkUses.Distinct);
        Assert.InRange(linkUses.Rows, tokens.Count, tokens.Count + uses.Failed);
        // Each acknowledgement is on record exactly once, and each second use answered 410 as already given.
        Assert.Equal(tokens.Count, recordedAs.GetValueOrDefault("Acknowledged"));
        Assert.True(recordedAs.GetValueOrDefault("AlreadyAcknowledged") >= secondUses.GetValueOrDefault("410"));
        Assert.Equal(0, parkedAfter);
    }

    /// <summary>The links' uses in Identity's audit log by what each found (Acknowledged, AlreadyAcknowledged, …).</summary>
    private static async Task<Dictionary<string, long>> LinkUsesByDetailAsync(RunningSystem system)
    {
        var counts = new Dictionary<string, long>();
        foreach (var detail in new[] { "Acknowledged", "AlreadyAcknowledged", "Closed", "NotFound" }) // the Directory's AcknowledgeOutcome
        {
            var n = await system.ScalarAsync<long>(ResourceNames.IdentityDb,
                "SELECT count(*) FROM audit_log WHERE action = 'ping.acknowledged-by-link' AND actor = 'ping-link' AND detail = @detail", ("detail", detail));
            if (n > 0)
            {
                counts[detail] = n;
            }
        }
        return counts;
    }

    [Fact]
    public async Task A_broker_node_killed_during_a_burst_of_ten_thousand_audited_reads()
    {
        await using var system = await StartAsync("--broker-nodes", "3");
        var (_, pocId) = await ListOneAsync(system);
        var token = await DirectoryFlow.TokenOfAsync(system, "bench-scale-burst", Roles.DirectoryManager);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (reads, back) = await ReplicaLoad.AuditedReadsWhileABrokerNodeDiesAsync(system, token, pocId, Events, workers: 32, ResourceNames.Messaging);
        var sent = clock.Elapsed;
        output.WriteLine(reads.ToString());
        Assert.Equal(0, reads.Failed);
        var actor = ReplicaLoad.SubjectOf(token);
        await Eventually.Until(() => ReplicaLoad.AuditRowsAsync(system, "poc.read", actor), r => r.Rows >= Events, TimeSpan.FromMinutes(5), "every read audited");
        var recorded = clock.Elapsed;
        await InFlight.NothingAsync(system); // a late copy would be counted now
        var (rows, distinct) = await ReplicaLoad.AuditRowsAsync(system, "poc.read", actor);
        var nodes = await Eventually.Until(() => ReplicaLoad.BrokerNodesAsync(system), n => n.All(x => x.Running), TimeSpan.FromMinutes(2), "every node running");
        var queues = await ReplicaLoad.BrokerQueuesAsync(system);
        var parked = await ReplicaLoad.ParkedMessagesAsync(system);

        BenchmarkReport.Write(output, "broker-cluster",
            $"--replicas 2 --broker-nodes 3; {Events} reads of one entry through the gateway, 32 at a time, each audited (an event from the Directory to Identity); the first node (the queues' leaders, every service's first connection) killed (SIGKILL) after a third",
            reads.ToString(),
            $"{ResourceNames.Messaging}: SIGKILL to running, healthy and in the cluster again {back.TotalSeconds:0.0} s",
            $"every read answered after {sent.TotalSeconds:0.0} s; every event recorded by Identity after {recorded.TotalSeconds:0.0} s",
            $"events lost: {Events - distinct}; effects duplicated: {rows - distinct} (audit rows {rows}, distinct {distinct}); messages parked in _error queues: {parked}",
            $"nodes: {string.Join(", ", nodes.Select(n => $"{n.Name} {(n.Running ? "running" : "down")}"))}",
            $"queues: {queues.Count(q => q.Type == "quorum")} quorum, {queues.Count(q => q.Type != "quorum")} other");
        Assert.Equal(((long)Events, (long)Events, 0L), (rows, distinct, parked));
    }
}
