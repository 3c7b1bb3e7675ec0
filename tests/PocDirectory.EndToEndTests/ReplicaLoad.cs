using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PocDirectory.EndToEndTests.Benchmarks;

namespace PocDirectory.EndToEndTests;

/// <summary>What a stream of requests got: how many, how many failed and how, and how long they took.</summary>
public sealed record LoadResult(string Name, int Requests, int Failed, IReadOnlyDictionary<string, int> Failures, IReadOnlyList<double> LatenciesMs)
{
    public override string ToString() =>
        $"{Name}: {Requests} requests, {Failed} failed{(Failures.Count > 0 ? $" ({string.Join(", ", Failures.Select(f => $"{f.Key} × {f.Value}"))})" : "")}; " +
        (LatenciesMs.Count == 0 ? "" : $"latency p50 {BenchmarkReport.Percentile(LatenciesMs, 50):0.0} ms, p99 {BenchmarkReport.Percentile(LatenciesMs, 99):0.0} ms, max {LatenciesMs.Max():0} ms");
}

/// <summary>
/// The load and the faults of the runs with several replicas and with a broker cluster (<c>ScalingTests</c> in
/// <c>./test.sh</c>, <c>ReplicaBenchmarks</c> with larger counts): requests through the gateway counted one by one,
/// and a replica or a broker node killed (SIGKILL) while they run, with the time until it runs again.
/// </summary>
public static partial class ReplicaLoad
{
    /// <summary>
    /// <paramref name="workers"/> callers, each sending <paramref name="send"/> (given a running number) until
    /// <paramref name="stop"/> or until <paramref name="send"/> returns null; every answer other than
    /// <paramref name="expected"/>, and every exception (30 s timeout), is a failure. A request under way when the
    /// stop comes is finished and counted. <paramref name="failed"/> is told the running number of each failed request.
    /// </summary>
    public static async Task<LoadResult> RunAsync(string name, HttpClient http, int workers, Func<int, HttpRequestMessage?> send,
        CancellationToken stop, HttpStatusCode expected = HttpStatusCode.OK, TimeSpan? pause = null, Action<int>? failed = null)
    {
        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentDictionary<string, int>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var number = Interlocked.Increment(ref next);
                using var request = send(number);
                if (request is null)
                {
                    return;
                }
                var clock = Stopwatch.StartNew();
                try
                {
                    using var response = await http.SendAsync(request, CancellationToken.None);
                    await response.Content.LoadIntoBufferAsync();
                    if (response.StatusCode != expected)
                    {
                        failures.AddOrUpdate(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                        failed?.Invoke(number);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    failures.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                    failed?.Invoke(number);
                }
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                if (pause is { } wait)
                {
                    await Task.Delay(wait, CancellationToken.None);
                }
            }
        }, CancellationToken.None)));
        return new LoadResult(name, latencies.Count, failures.Values.Sum(), new Dictionary<string, int>(failures), latencies.ToList());
    }

    /// <summary>A client of the gateway with room for the load's connections and a timeout a person would wait.</summary>
    public static HttpClient Gateway(RunningSystem system, string? token = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = system.Url(ResourceNames.Gateway),
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }

    /// <summary>
    /// Kills (SIGKILL, with its process tree) the resource row <paramref name="name"/> (a replica's own name, or a server)
    /// and waits until the AppHost has it running again under a new process and, for a replica, until that replica itself
    /// answers its health check on its own port (the resource's health is checked through the proxy, which any replica
    /// may answer); returns that time.
    /// </summary>
    public static async Task<TimeSpan> KillAndAwaitAsync(RunningSystem system, string name)
    {
        var victim = system.Resources().Single(r => r.Name == name);
        var ownPorts = OwnPorts(system, name);
        var clock = Stopwatch.StartNew();
        Process.GetProcessById(victim.Pid ?? throw new InvalidOperationException($"{name} has no process.")).Kill(entireProcessTree: true);
        await system.WaitUntilAsync(r => r.SingleOrDefault(x => x.Name == name) is { State: "Running" } x && x.Pid != victim.Pid,
            TimeSpan.FromMinutes(3), $"{name} running again");
        if (ownPorts.Count > 0)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Eventually.Until(async () =>
            {
                foreach (var port in ownPorts)
                {
                    try
                    {
                        using var health = await http.GetAsync($"http://127.0.0.1:{port}/health");
                        if (health.IsSuccessStatusCode)
                        {
                            return true;
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                    }
                }
                return false;
            }, healthy => healthy, TimeSpan.FromMinutes(2), $"{name} healthy on its own port");
        }
        return clock.Elapsed;
    }

    /// <summary>The loopback ports a replica said it listens on (its log's "Now listening on" lines; a replica keeps them when started again).</summary>
    private static IReadOnlyList<int> OwnPorts(RunningSystem system, string name)
    {
        var log = Path.Combine(system.StateDirectory, "logs", name + ".log");
        if (!system.Resources().Any(r => r.Name == name && r.ServiceName != name) || !File.Exists(log))
        {
            return []; // not a replica: its health is its own
        }
        using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return ListeningOn().Matches(reader.ReadToEnd()).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningOn();

    /// <summary>The broker's nodes as its management API sees them: name and whether it runs.</summary>
    public static async Task<IReadOnlyList<(string Name, bool Running)>> BrokerNodesAsync(RunningSystem system) =>
        (await BrokerApiAsync(system, "nodes")).EnumerateArray()
            .Select(n => (n.GetProperty("name").GetString()!, n.GetProperty("running").GetBoolean())).ToList();

    /// <summary>Every queue's name, type ("quorum", "classic"), consumers and messages.</summary>
    public static async Task<IReadOnlyList<(string Name, string Type, int Consumers, long Messages)>> BrokerQueuesAsync(RunningSystem system) =>
        (await BrokerApiAsync(system, "queues")).EnumerateArray()
            .Select(q => (q.GetProperty("name").GetString()!, q.TryGetProperty("type", out var t) ? t.GetString()! : "classic",
                q.TryGetProperty("consumers", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0,
                q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0)).ToList();

    /// <summary>
    /// Messages parked in the <c>_error</c> queues: a message that failed five times, such as a second delivery that
    /// slipped past the inbox and hit a unique key (it would never show as a second row). Counted live by the queues
    /// (<see cref="InFlight.QueuesAsync"/>): the management API's figures are up to 5 s old.
    /// </summary>
    public static async Task<long> ParkedMessagesAsync(RunningSystem system)
    {
        var parked = (await InFlight.QueuesAsync(system)).Where(q => q.Queue.EndsWith("_error", StringComparison.Ordinal)).ToList();
        return parked.FirstOrDefault(q => q.Messages < 0) is { Queue: { } silent }
            ? throw new InvalidOperationException($"The queue {silent} cannot say now how many messages it holds.")
            : parked.Sum(q => q.Messages);
    }

    private static async Task<JsonElement> BrokerApiAsync(RunningSystem system, string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(system.Resource(ResourceNames.Messaging).ManagementUrl!) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"operator:{system.Secret($"{ResourceNames.Messaging}-operator-password")}")));
        return await http.GetFromJsonAsync<JsonElement>($"/api/{path}");
    }

    /// <summary>Audit rows Identity holds of <paramref name="action"/> by <paramref name="actor"/>: all, and distinct audit ids.</summary>
    public static async Task<(long Rows, long Distinct)> AuditRowsAsync(RunningSystem system, string action, string actor) =>
        (await system.ScalarAsync<long>(ResourceNames.IdentityDb, "SELECT count(*) FROM audit_log WHERE action = @action AND actor = @actor", ("action", action), ("actor", actor)),
         await system.ScalarAsync<long>(ResourceNames.IdentityDb, "SELECT count(DISTINCT audit_id) FROM audit_log WHERE action = @action AND actor = @actor", ("action", action), ("actor", actor)));

    /// <summary>The subject of an access token (the audit log's actor), from its payload.</summary>
    public static string SubjectOf(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        using var json = JsonDocument.Parse(Convert.FromBase64String(payload));
        return json.RootElement.GetProperty("sub").GetString()!;
    }

    /// <summary>
    /// Reads through the gateway (a search and one entry, both with <paramref name="token"/>) by
    /// <paramref name="workers"/> callers, while each replica of the Directory in turn is killed and comes back;
    /// <paramref name="settle"/> of load before, between and after. Returns the reads' counts, each kill's recovery
    /// time (SIGKILL to running and healthy again) and how many reads of the entry were sent (each one answered 200 is audited).
    /// </summary>
    public static async Task<(LoadResult Reads, IReadOnlyList<(string Replica, TimeSpan Recovery)> Kills, int EntryReads)> ReadsWhileDirectoryReplicasDieAsync(
        RunningSystem system, string token, Guid pocId, int workers, TimeSpan settle)
    {
        using var http = Gateway(system, token);
        using var stop = new CancellationTokenSource();
        var entryReads = 0;
        var load = RunAsync("reads through the gateway", http, workers, n =>
        {
            if (n % 2 == 0)
            {
                return new HttpRequestMessage(HttpMethod.Get, "/api/directory/pocs?type=technical&pageSize=20");
            }
            Interlocked.Increment(ref entryReads);
            return new HttpRequestMessage(HttpMethod.Get, $"/api/directory/pocs/{pocId}");
        }, stop.Token);
        var kills = new List<(string, TimeSpan)>();
        await Task.Delay(settle);
        foreach (var replica in system.Replicas(ResourceNames.Directory).Select(r => r.Name).ToList())
        {
            kills.Add((replica, await KillAndAwaitAsync(system, replica)));
            await Task.Delay(settle);
        }
        await stop.CancelAsync();
        var reads = await load;
        return (reads, kills, entryReads);
    }

    /// <summary>
    /// Every link of <paramref name="tokens"/> used once through the gateway (an acknowledgement: a write),
    /// <paramref name="workers"/> at a time with <paramref name="pause"/> between a caller's uses, while each replica of
    /// the Directory in turn is killed (SIGKILL), with two replicas once a fifth and once three fifths of the links were used. The gateway
    /// never resends a write: a link whose use failed is used once more at the end, as its recipient would click it
    /// again. Returns the first uses' counts, the answers to the second uses, and each kill's recovery time.
    /// </summary>
    public static async Task<(LoadResult FirstUses, IReadOnlyDictionary<string, int> SecondUses, IReadOnlyList<(string Replica, TimeSpan Recovery)> Kills)>
        AcknowledgementsWhileDirectoryReplicasDieAsync(RunningSystem system, IReadOnlyList<string> tokens, int workers, TimeSpan pause)
    {
        using var http = Gateway(system);
        var failedTokens = new ConcurrentQueue<string>();
        var replicas = system.Replicas(ResourceNames.Directory).Select(r => r.Name).ToList();
        // With two replicas, at a fifth and at three fifths of the links; with more, spread the same way.
        var marks = replicas.Select((_, i) => (At: tokens.Count * (1 + 2 * i) / (2 * replicas.Count + 1), Reached: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))).ToList();
        var load = RunAsync("acknowledgements through the gateway", http, workers, n =>
        {
            if (n >= tokens.Count)
            {
                return null;
            }
            foreach (var mark in marks.Where(m => m.At == n))
            {
                mark.Reached.TrySetResult();
            }
            return new HttpRequestMessage(HttpMethod.Post, "/api/directory/ping/acknowledgements") { Content = JsonContent.Create(new { token = tokens[n] }) };
        }, CancellationToken.None, pause: pause, failed: n => failedTokens.Enqueue(tokens[n]));
        var kills = new List<(string, TimeSpan)>();
        foreach (var (replica, mark) in replicas.Zip(marks))
        {
            await Task.WhenAny(mark.Reached.Task, load); // a load that failed ends the wait too, and is awaited below
            if (!mark.Reached.Task.IsCompleted)
            {
                break;
            }
            kills.Add((replica, await KillAndAwaitAsync(system, replica)));
        }
        var firstUses = await load;

        var secondUses = new Dictionary<string, int>();
        foreach (var token in failedTokens)
        {
            using var again = await http.PostAsJsonAsync("/api/directory/ping/acknowledgements", new { token });
            var key = ((int)again.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            secondUses[key] = secondUses.GetValueOrDefault(key) + 1;
        }
        return (firstUses, secondUses, kills);
    }

    /// <summary>
    /// <paramref name="count"/> reads of one entry through the gateway (each audited: one event from the Directory to
    /// Identity through the broker), <paramref name="workers"/> at a time; once a third have been sent, the broker node
    /// <paramref name="node"/> is killed (SIGKILL). Returns the reads' counts and the node's time until it ran again.
    /// </summary>
    public static async Task<(LoadResult Reads, TimeSpan NodeBack)> AuditedReadsWhileABrokerNodeDiesAsync(
        RunningSystem system, string token, Guid pocId, int count, int workers, string node)
    {
        using var http = Gateway(system, token);
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = RunAsync("audited reads", http, workers, n =>
        {
            if (n == count / 3)
            {
                third.TrySetResult();
            }
            return n < count ? new HttpRequestMessage(HttpMethod.Get, $"/api/directory/pocs/{pocId}") : null;
        }, CancellationToken.None);
        await third.Task;
        var back = await KillAndAwaitAsync(system, node);
        return (await load, back);
    }

    /// <summary>
    /// A ping test to <paramref name="addresses"/> of <paramref name="state"/>, each replica of Notifications killed in
    /// turn as the e-mails go out (at a quarter and at two thirds of them), the SMTP sink paused a moment around each
    /// kill (see <see cref="PingLoad.KillOnceMailArrivedAsync"/>). Returns how many ping e-mails each address got.
    /// </summary>
    public static async Task<(Dictionary<string, int> PerAddress, IReadOnlyList<(string Replica, TimeSpan Recovery)> Kills)> CampaignWhileNotificationsReplicasDieAsync(
        RunningSystem system, string manager, string state, IReadOnlyList<string> addresses)
    {
        var maildir = Path.Combine(system.StateDirectory, "data", ResourceNames.Mail, "maildir", "new");
        var before = Directory.Exists(maildir) ? Directory.GetFiles(maildir).Length : 0;
        using var http = DirectoryFlow.Client(system, manager);
        using var started = await http.PostAsJsonAsync("/api/directory/ping/campaigns", new { states = new[] { state } });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var kills = new List<(string, TimeSpan)>();
        var replicas = system.Replicas(ResourceNames.Notifications).Select(r => r.Name).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        foreach (var (replica, fraction) in replicas.Zip([0.25, 0.66]))
        {
            kills.Add((replica, (await PingLoad.KillOnceMailArrivedAsync(system, replica, before, (int)(addresses.Count * fraction), skipWhenAll: null,
                stallMailServer: true, deadline))!.Value));
        }
        return (await PingLoad.WaitForEveryoneAsync(system, addresses, TimeSpan.FromMinutes(10)), kills);
    }
}
