using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PocDirectory.EndToEndTests.Benchmarks;
using Xunit.Abstractions;

namespace PocDirectory.EndToEndTests;

/// <summary>A system of its own started as <c>./run.sh --replicas 2 --broker-nodes 3</c>.</summary>
public sealed class ScaledSystemFixture : IAsyncLifetime
{
    public RunningSystem System { get; private set; } = null!;

    public string Manager { get; private set; } = null!;

    /// <summary>One listed point of contact of Kenya: its reads are audited, each one an event through the broker.</summary>
    public Guid PocId { get; private set; }

    public async Task InitializeAsync()
    {
        // E-mails a killed replica had claimed are due again after 10 s instead of 30; no limit stands between the load and the system;
        // Prometheus scrapes every 2 s, so that a replica or node down for a few seconds is seen down.
        System = await RunningSystem.StartAsync(TimeSpan.FromMinutes(6),
            new Dictionary<string, string>(BenchmarkReport.Unlimited()) { ["Email__Lease"] = "00:00:10", ["Monitoring__ScrapeInterval"] = "00:00:02" },
            ["--replicas", "2", "--broker-nodes", "3"]);
        Manager = await DirectoryFlow.TokenOfAsync(System, "scale-dm", Roles.DirectoryManager);
        var focalPoint = await DirectoryFlow.TokenOfAsync(System, "scale-fp", Roles.FocalPoint, "KEN");
        PocId = await DirectoryFlow.ListAsync(System, focalPoint, Manager, "KEN", "Wanjiru Kamau", TestPerson.UniqueEmail("scale-poc"));
    }

    public async Task DisposeAsync() => await System.DisposeAsync();
}

/// <summary>
/// Several replicas of every service and a RabbitMQ cluster of three nodes, on real engines: one address per
/// service whatever dies behind it, consumers competing on quorum queues, and kills (SIGKILL) of a Directory
/// replica, of a Notifications replica and of a broker node that lose nothing and double nothing.
/// Larger runs of the same: <c>benchmarks/replicas.sh</c>.
/// </summary>
public sealed class ScalingTests(ScaledSystemFixture fixture, ITestOutputHelper output) : IClassFixture<ScaledSystemFixture>
{
    private static readonly string[] Replicated =
        [ResourceNames.Identity, ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings, ResourceNames.Gateway, ResourceNames.Web];

    [Fact]
    public async Task Every_service_runs_twice_behind_one_address_and_its_consumers_compete_on_quorum_queues_of_three_nodes()
    {
        var system = fixture.System;
        foreach (var service in Replicated)
        {
            var replicas = system.Replicas(service);
            Assert.Equal(2, replicas.Count);
            Assert.All(replicas, r => Assert.Equal("Running", r.State));
            Assert.Equal(2, replicas.Select(r => r.Pid).Distinct().Count());
            Assert.Single(replicas.Select(r => r.Url).Distinct()); // one address, the orchestrator's proxy in front of both
        }

        var nodes = await ReplicaLoad.BrokerNodesAsync(system);
        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n => Assert.True(n.Running, $"{n.Name} runs"));

        // The bus's own temporary queue of each process stays classic; every queue a consumer reads, and its
        // _error and _skipped queues, is a quorum queue, and each consumer queue is read by both replicas of its service.
        var queues = (await ReplicaLoad.BrokerQueuesAsync(system)).Where(q => !q.Name.Contains("_bus_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(queues);
        Assert.All(queues, q => Assert.Equal(("quorum", q.Name), (q.Type, q.Name)));
        var consumed = queues.Where(q => !q.Name.EndsWith("_error", StringComparison.Ordinal) && !q.Name.EndsWith("_skipped", StringComparison.Ordinal)).ToList();
        Assert.Contains(consumed, q => q.Name.StartsWith("identity-", StringComparison.Ordinal));
        Assert.Contains(consumed, q => q.Name.StartsWith("notifications-", StringComparison.Ordinal));
        await Eventually.Until(() => ReplicaLoad.BrokerQueuesAsync(system),
            all => consumed.All(q => all.Single(a => a.Name == q.Name).Consumers == 2), TimeSpan.FromMinutes(1), "two consumers on every queue");

        // Prometheus scrapes each replica at its own port, and each broker node: none is hidden behind the one address.
        var targets = await Eventually.Until(() => ScrapeTargetsAsync(system),
            all => Replicated.All(s => all.Count(t => t.Job == s && t.Health == "up") == 2) && all.Count(t => t.Job == ResourceNames.Messaging && t.Health == "up") == 3,
            TimeSpan.FromMinutes(1), "every replica and every broker node scraped");
        foreach (var service in Replicated)
        {
            Assert.Equal(system.Replicas(service).Select(r => r.Name).Order(StringComparer.Ordinal),
                targets.Where(t => t.Job == service).Select(t => t.Labels.GetValueOrDefault("replica")).Order(StringComparer.Ordinal));
        }
        Assert.Equal(["messaging", "messaging-2", "messaging-3"],
            targets.Where(t => t.Job == ResourceNames.Messaging).Select(t => t.Labels.GetValueOrDefault("node")).Order(StringComparer.Ordinal));
    }

    private static readonly HttpClient Prometheus = new() { Timeout = TimeSpan.FromSeconds(10) };

    private sealed record Target(string Job, string Health, IReadOnlyDictionary<string, string> Labels);

    private static async Task<IReadOnlyList<Target>> ScrapeTargetsAsync(RunningSystem system) =>
        (await Prometheus.GetFromJsonAsync<JsonElement>(new Uri(system.Url(ResourceNames.Prometheus), "/api/v1/targets?state=active")))
            .GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .Select(t => new Target(t.GetProperty("labels").GetProperty("job").GetString()!, t.GetProperty("health").GetString()!,
                t.GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!)))
            .ToList();

    /// <summary>
    /// The lowest <c>up</c> Prometheus recorded for the targets <paramref name="selector"/> names since <paramref name="since"/>
    /// (0: one was seen down then), or null when it has no such target.
    /// </summary>
    private static async Task<string?> LowestUpSinceAsync(RunningSystem system, string selector, DateTimeOffset since)
    {
        var seconds = (int)Math.Ceiling((DateTimeOffset.UtcNow - since).TotalSeconds);
        var query = $"min(min_over_time(up{{{selector}}}[{seconds}s]))";
        var answer = await Prometheus.GetFromJsonAsync<JsonElement>(new Uri(system.Url(ResourceNames.Prometheus), $"/api/v1/query?query={Uri.EscapeDataString(query)}"));
        return answer.GetProperty("data").GetProperty("result").EnumerateArray().SingleOrDefault() is { ValueKind: JsonValueKind.Object } sample
            ? sample.GetProperty("value")[1].GetString()
            : null;
    }

    /// <summary>Waits until every target of <paramref name="job"/> is up (<paramref name="count"/> of them), and returns the instant.</summary>
    private static async Task<DateTimeOffset> AllUpAsync(RunningSystem system, string job, int count)
    {
        await Eventually.Until(() => ScrapeTargetsAsync(system), all => all.Count(t => t.Job == job && t.Health == "up") == count,
            TimeSpan.FromMinutes(1), $"{count} targets of {job} scraped up");
        return DateTimeOffset.UtcNow;
    }

    [Fact]
    public async Task Reads_through_the_gateway_all_succeed_while_each_Directory_replica_in_turn_is_killed_and_every_audited_read_is_recorded_once()
    {
        var system = fixture.System;
        var token = await DirectoryFlow.TokenOfAsync(system, "scale-reader", Roles.DirectoryManager);
        var upBefore = await AllUpAsync(system, ResourceNames.Directory, 2);
        var (reads, kills, entryReads) = await ReplicaLoad.ReadsWhileDirectoryReplicasDieAsync(system, token, fixture.PocId, workers: 8, settle: TimeSpan.FromSeconds(3));
        output.WriteLine(reads.ToString());
        output.WriteLine(string.Join("; ", kills.Select(k => $"{k.Replica} back after {k.Recovery.TotalSeconds:0.0} s")));

        Assert.Equal(2, kills.Count);
        Assert.True(reads.Requests > 100, $"load ran: {reads.Requests} reads");
        Assert.Equal(0, reads.Failed); // a read whose replica died is answered by the other one
        // A replica killed after committing a read's audit record, before sending it: the other replica's outbox sends it.
        var actor = ReplicaLoad.SubjectOf(token);
        var (rows, distinct) = await Eventually.Until(() => ReplicaLoad.AuditRowsAsync(system, "poc.read", actor),
            r => r.Rows >= entryReads, TimeSpan.FromMinutes(2), $"{entryReads} reads audited");
        await InFlight.NothingAsync(system); // a late copy would be counted now
        (rows, distinct) = await ReplicaLoad.AuditRowsAsync(system, "poc.read", actor);
        // A read resent after its first replica died may have been audited by that replica too: at most one per caller and kill.
        Assert.Equal(rows, distinct);
        Assert.InRange(rows, entryReads, entryReads + 2 * 8);
        Assert.Equal(0, await ReplicaLoad.ParkedMessagesAsync(system)); // nothing failed on its way, nor was refused as a second copy

        // Each killed replica, up before the kills, was seen down as itself by the monitoring, and is scraped again.
        foreach (var (replica, _) in kills)
        {
            Assert.Equal("0", await LowestUpSinceAsync(system, $"job=\"{ResourceNames.Directory}\",replica=\"{replica}\"", upBefore));
        }
        await AllUpAsync(system, ResourceNames.Directory, 2);
    }

    [Fact]
    public async Task A_broker_node_killed_during_a_burst_of_audited_reads_loses_no_event_doubles_none_and_rejoins()
    {
        var system = fixture.System;
        var token = await DirectoryFlow.TokenOfAsync(system, "scale-burst", Roles.DirectoryManager);
        var upBefore = await AllUpAsync(system, ResourceNames.Messaging, 3);
        // The first node: it holds the queues' leaders and every service's first connection.
        var (reads, back) = await ReplicaLoad.AuditedReadsWhileABrokerNodeDiesAsync(system, token, fixture.PocId, count: 1500, workers: 16, ResourceNames.Messaging);
        output.WriteLine($"{reads}; {ResourceNames.Messaging} back after {back.TotalSeconds:0.0} s");
        Assert.Equal(1500, reads.Requests);
        Assert.Equal(0, reads.Failed);

        var actor = ReplicaLoad.SubjectOf(token);
        await Eventually.Until(() => ReplicaLoad.AuditRowsAsync(system, "poc.read", actor), r => r.Rows >= 1500, TimeSpan.FromMinutes(3), "1500 reads audited");
        await InFlight.NothingAsync(system); // a late copy would be counted now
        Assert.Equal((1500L, 1500L), await ReplicaLoad.AuditRowsAsync(system, "poc.read", actor));
        Assert.Equal(0, await ReplicaLoad.ParkedMessagesAsync(system)); // no copy refused by the audit log's unique key either

        var nodes = await Eventually.Until(() => ReplicaLoad.BrokerNodesAsync(system), n => n.Count == 3 && n.All(x => x.Running), TimeSpan.FromMinutes(2), "three nodes running");
        Assert.Equal(3, nodes.Count);

        // The monitoring saw the killed node, up before, down as itself, and scrapes all three again.
        Assert.Equal("0", await LowestUpSinceAsync(system, $"job=\"{ResourceNames.Messaging}\",node=\"{ResourceNames.Messaging}\"", upBefore));
        await AllUpAsync(system, ResourceNames.Messaging, 3);
    }

    [Fact]
    public async Task A_ping_test_while_each_Notifications_replica_in_turn_is_killed_e_mails_every_point_of_contact_once()
    {
        var system = fixture.System;
        var addresses = await PingLoad.ListForCampaignAsync(system, fixture.Manager, "TUV", 399, "scalekill");
        var (perAddress, kills) = await ReplicaLoad.CampaignWhileNotificationsReplicasDieAsync(system, fixture.Manager, "TUV", addresses);
        output.WriteLine(string.Join("; ", kills.Select(k => $"{k.Replica} back after {k.Recovery.TotalSeconds:0.0} s")));
        Assert.Equal(2, kills.Count);
        Assert.Equal(400, perAddress.Count);
        Assert.All(perAddress, a => Assert.Equal(1, a.Value));
    }
}
