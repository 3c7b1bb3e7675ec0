using System.Runtime.InteropServices;

namespace PocDirectory.AppHost;

/// <summary>
/// The few POSIX facts .NET does not offer: sending a chosen signal, the effective user, and what
/// /proc says about a pid (enough to tell a process from a later one that reused its pid).
/// </summary>
public static class Posix
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    public static bool IsRoot => geteuid() == 0;

    public static bool Signal(int pid, int signal) => pid > 0 && kill(pid, signal) == 0;

    public static bool IsAlive(int pid) => pid > 0 && kill(pid, 0) == 0;

    /// <summary>Alive and not a zombie: an exited process whose parent has not reaped it holds nothing any more.</summary>
    public static bool IsRunning(int pid)
    {
        if (!IsAlive(pid))
        {
            return false;
        }
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>SIGKILLs the processes and waits (up to <paramref name="timeout"/>) until none of them runs.</summary>
    public static void KillAndWait(IEnumerable<int> pids, TimeSpan timeout)
    {
        var killed = pids.Where(pid => Signal(pid, SigKill)).ToList();
        var deadline = DateTime.UtcNow + timeout;
        while (killed.Any(IsRunning) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
    }

    /// <summary>The process's arguments joined by spaces, or null when it is gone.</summary>
    public static string? CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.Length == 0 ? null : string.Join(' ', raw.TrimEnd('\0').Split('\0'));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The process's descendants, children first (from /proc/PID/task/*/children).</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var found = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var parent))
        {
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{parent}/task"))
                {
                    foreach (var child in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (int.TryParse(child, out var id) && !found.Contains(id))
                        {
                            found.Add(id);
                            queue.Enqueue(id);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile
            }
        }
        return found;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc")]
    private static extern uint geteuid();
}
