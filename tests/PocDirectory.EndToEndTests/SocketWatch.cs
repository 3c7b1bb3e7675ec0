using System.Globalization;
using System.Net;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Watches, for as long as the system runs, every socket of the AppHost and of every process under it
/// or under Aspire's orchestrator (servers, services, the dashboard), as /proc shows them: each socket's inode in a
/// process's file descriptors, its addresses in /proc/net/{tcp,tcp6,udp,udp6}. Any remote address that is not
/// loopback is kept, with the process that held it, and so is any socket that waits for others (listening, or UDP
/// unconnected) on an address that is not loopback (every interface included).
/// </summary>
public sealed class SocketWatch : IDisposable
{
    private readonly int _rootPid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly object _lock = new();
    private readonly HashSet<string> _beyondLoopback = [];
    private readonly HashSet<string> _processesSeen = [];
    // Listeners on every interface, and each process's loopback listeners, by process name and port (see Seen).
    private readonly Dictionary<(string Name, int Port), string> _wideListeners = [];
    private readonly HashSet<(string Name, int Port)> _loopbackListeners = [];
    private int _samples;

    public SocketWatch(int rootPid)
    {
        _rootPid = rootPid;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>
    /// What was seen so far: sockets beyond loopback ("process → address", "process listens on address"), samples taken,
    /// process names seen with sockets. One listener is not counted: RabbitMQ (beam.smp), as it boots, checks that its
    /// Erlang distribution port is free by listening on it on every interface and closing it at once
    /// (rabbit_prelaunch_dist:dist_port_use_check_ipv4 in 3.10; nothing accepts there, and no setting turns the check
    /// off), before its real listener binds that port on 127.0.0.1. A wide listener of beam.smp on a port that
    /// beam.smp is also seen listening on at 127.0.0.1 is that check; any other still counts.
    /// </summary>
    public (IReadOnlyList<string> BeyondLoopback, int Samples, IReadOnlyList<string> Processes) Seen()
    {
        lock (_lock)
        {
            var listeners = _wideListeners.Where(l => !(l.Key.Name == "beam.smp" && _loopbackListeners.Contains(l.Key))).Select(l => l.Value);
            return ([.. _beyondLoopback.Concat(listeners).Distinct().Order()], _samples, [.. _processesSeen.Order()]);
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Sample();
            }
            catch (IOException)
            {
                // A process ended between listing and reading: the next sample sees the rest.
            }
            try
            {
                await Task.Delay(250, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Sample()
    {
        var remotes = new Dictionary<string, (string Local, string Remote, bool Waits)>();
        foreach (var table in new[] { "tcp", "tcp6", "udp", "udp6" })
        {
            foreach (var line in File.ReadLines($"/proc/net/{table}").Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9)
                {
                    // Waits for others: a TCP socket listening (state 0A), or a UDP socket not connected to anyone.
                    var waits = table.StartsWith("tcp", StringComparison.Ordinal) ? fields[3] == "0A" : IsUnconnected(fields[2]);
                    remotes[fields[9]] = (fields[1], fields[2], waits);
                }
            }
        }
        var found = new List<string>();
        var processes = new List<string>();
        var wide = new List<((string, int) Key, string What)>();
        var loopback = new List<(string, int)>();
        foreach (var pid in Tree())
        {
            string name;
            string[] descriptors;
            try
            {
                name = File.ReadAllText($"/proc/{pid}/comm").Trim();
                descriptors = System.IO.Directory.GetFiles($"/proc/{pid}/fd");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var fd in descriptors)
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is null || !target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    continue;
                }
                processes.Add(name);
                if (!remotes.TryGetValue(target[8..^1], out var socket))
                {
                    continue;
                }
                if (!IsLoopbackOrUnconnected(socket.Remote))
                {
                    found.Add($"{name} ({pid}) → {Describe(socket.Remote)}");
                }
                else if (socket.Waits && !IsLoopback(socket.Local))
                {
                    wide.Add(((name, Port(socket.Local)), $"{name} ({pid}) listens on {Describe(socket.Local)}"));
                }
                else if (socket.Waits)
                {
                    loopback.Add((name, Port(socket.Local)));
                }
            }
        }
        lock (_lock)
        {
            _samples++;
            _beyondLoopback.UnionWith(found);
            _processesSeen.UnionWith(processes);
            foreach (var (key, what) in wide)
            {
                _wideListeners.TryAdd(key, what);
            }
            _loopbackListeners.UnionWith(loopback);
        }
    }

    /// <summary>The root and every process below it, from each process's parent in /proc/PID/stat.</summary>
    private List<int> Tree()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
        }
        // Aspire's orchestrator (dcp start-apiserver) leaves the AppHost's process tree and watches it instead
        // ("--monitor PID"): it and everything under it are the system's too.
        var tree = new List<int> { _rootPid };
        foreach (var pid in parents.Keys)
        {
            try
            {
                var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
                var monitor = Array.IndexOf(args, "--monitor");
                if (pid != _rootPid && monitor >= 0 && monitor + 1 < args.Length && args[monitor + 1] == _rootPid.ToString(CultureInfo.InvariantCulture))
                {
                    tree.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }
        return tree;
    }

    /// <summary>"0100007F:1F90" (IPv4) or 32 hex digits and a port (IPv6), as the kernel writes them.</summary>
    public static bool IsLoopbackOrUnconnected(string remote)
    {
        var address = Parse(remote);
        return address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IPAddress.IsLoopback(address)
            || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));
    }

    private static int Port(string address) => int.Parse(address.Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static bool IsUnconnected(string remote) => Parse(remote) is var address && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));

    /// <summary>A local address on loopback only (a socket bound to every interface is not).</summary>
    public static bool IsLoopback(string local)
    {
        var address = Parse(local);
        return IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));
    }

    private static IPAddress Parse(string remote)
    {
        var hex = remote.Split(':')[0];
        var bytes = Convert.FromHexString(hex);
        // The kernel prints each 32-bit word in host (little-endian) order.
        for (var i = 0; i < bytes.Length; i += 4)
        {
            Array.Reverse(bytes, i, 4);
        }
        return new IPAddress(bytes);
    }

    private static string Describe(string remote) =>
        $"{Parse(remote)}:{int.Parse(remote.Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)}";

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
