using System.Globalization;

namespace PocDirectory.EndToEndTests.Benchmarks;

/// <summary>
/// The CPU time each of a running system's resources has used, from /proc: a resource's process and every process
/// under it (PostgreSQL's backends, RabbitMQ's Erlang VM), with what its finished children used; the load generator
/// (this process); and the machine's total. Two snapshots around a measurement say what its time was spent on.
/// </summary>
public sealed class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux the system runs on

    private ProcessCpu(Dictionary<string, double> seconds, double machine)
    {
        Seconds = seconds;
        Machine = machine;
    }

    /// <summary>CPU seconds by resource name (replicas apart), and "load generator".</summary>
    public IReadOnlyDictionary<string, double> Seconds { get; }

    /// <summary>CPU seconds the whole machine has used (every process, the kernel's own work included).</summary>
    public double Machine { get; }

    public static ProcessCpu Snapshot(RunningSystem system)
    {
        var processes = ReadProcesses();
        var children = processes.Values.GroupBy(p => p.Parent).ToDictionary(g => g.Key, g => g.Select(p => p.Pid).ToList());
        var seconds = new Dictionary<string, double>();
        foreach (var resource in system.Resources())
        {
            if (resource.Pid is { } pid && processes.ContainsKey(pid))
            {
                seconds[resource.Name] = Tree(pid, processes, children) / TicksPerSecond;
            }
        }
        seconds["load generator"] = processes.TryGetValue(Environment.ProcessId, out var self) ? self.Ticks / TicksPerSecond : 0;
        return new ProcessCpu(seconds, MachineTicks() / TicksPerSecond);
    }

    /// <summary>
    /// Milliseconds of CPU per unit of work between two snapshots, largest first, each resource that used any, then
    /// the rest of the machine (the AppHost, the orchestrator, the dashboard taking in telemetry, the kernel's own work); e.g. "postgres 1.21, directory 0.95, …, rest 0.20 (all 3.10 ms per acknowledgement)".
    /// </summary>
    public static string PerUnit(ProcessCpu before, ProcessCpu after, int units, string unit)
    {
        var used = after.Seconds
            .Select(s => (Name: s.Key, Ms: (s.Value - before.Seconds.GetValueOrDefault(s.Key)) * 1000 / units))
            .Where(s => s.Ms >= 0.005)
            .OrderByDescending(s => s.Ms)
            .ToList();
        var all = (after.Machine - before.Machine) * 1000 / units;
        var rest = all - used.Sum(s => s.Ms);
        var parts = used.Select(s => $"{s.Name} {s.Ms.ToString("0.00", CultureInfo.InvariantCulture)}")
            .Append($"rest of the machine {rest.ToString("0.00", CultureInfo.InvariantCulture)}");
        return $"CPU ms per {unit}: {string.Join(", ", parts)} (all {all.ToString("0.00", CultureInfo.InvariantCulture)})";
    }

    /// <summary>
    /// Waits until the machine has settled: less than <paramref name="cores"/> of CPU used over a 2 s window (a system
    /// just started still compiles its code to the final tier and runs its first checks), for at most
    /// <paramref name="atMost"/>. Returns how long it waited and the last window's use, for the report.
    /// </summary>
    public static async Task<Settle> SettleAsync(double cores, TimeSpan atMost)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var before = MachineTicks();
            await Task.Delay(TimeSpan.FromSeconds(2));
            var used = (MachineTicks() - before) / TicksPerSecond / 2;
            if (used < cores || clock.Elapsed >= atMost)
            {
                return new Settle(used < cores, clock.Elapsed, used, cores, atMost);
            }
        }
    }

    /// <summary>What a settle wait found; as a report says it, whether or not the machine became quiet.</summary>
    public sealed record Settle(bool Settled, TimeSpan Waited, double Cores, double Asked, TimeSpan AtMost)
    {
        public override string ToString() =>
            (Settled ? "started once the machine was quiet" : "started WITHOUT the machine becoming quiet")
            + $": after {Waited.TotalSeconds:0} s, {Cores * 100:0} % of a core used over the last 2 s (below {Asked * 100:0} % asked, waiting at most {AtMost.TotalSeconds:0} s)";
    }

    private sealed record Process(int Pid, int Parent, long Ticks);

    private static double Tree(int pid, Dictionary<int, Process> processes, Dictionary<int, List<int>> children)
    {
        var total = 0.0;
        var pending = new Stack<int>([pid]);
        while (pending.TryPop(out var next))
        {
            if (processes.TryGetValue(next, out var process))
            {
                total += process.Ticks;
            }
            foreach (var child in children.GetValueOrDefault(next) ?? [])
            {
                pending.Push(child);
            }
        }
        return total;
    }

    private static Dictionary<int, Process> ReadProcesses()
    {
        var processes = new Dictionary<int, Process>();
        foreach (var directory in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // ended meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields are counted after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After comm: [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            processes[pid] = new Process(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), ticks);
        }
        return processes;
    }

    private static long MachineTicks()
    {
        // "cpu  user nice system idle iowait irq softirq steal …": the work this machine did (not idle, iowait, nor the
        // time a hypervisor gave to others, steal).
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return fields.Take(7).Sum() - fields[3] - fields[4];
    }
}
