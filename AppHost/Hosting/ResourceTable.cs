using System.Text.Json;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// The resource table for people and tools: <c>resources.json</c> in the state folder (name, state,
/// pid, url, connection string, log), and the same as text for the console. It also records enough
/// about each process for the next AppHost to end it if this one is killed.
/// </summary>
public sealed class ResourceTable(string filePath, IReadOnlyList<Resource> resources)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly object _lock = new();

    public string FilePath { get; } = filePath;

    /// <summary>Every resource in start order, each PostgreSQL server followed by its databases.</summary>
    public IEnumerable<IResource> All()
    {
        foreach (var resource in resources)
        {
            yield return resource;
            if (resource is PostgresServer postgres)
            {
                foreach (var database in postgres.Databases)
                {
                    yield return database;
                }
            }
        }
    }

    /// <summary>Writes the file to a temporary name and renames it, so a reader never sees half a file.</summary>
    public void Publish()
    {
        // The snapshot is taken under the lock too: a writer with an older picture must not finish last.
        lock (_lock)
        {
            Write();
        }
    }

    private void Write()
    {
        var document = new
        {
            appHostPid = Environment.ProcessId,
            resources = All().Select(r => new
            {
                name = r.Name,
                state = r.State.ToString(),
                pid = r.Pid,
                url = r.Url,
                connectionString = (r as IResourceWithConnectionString)?.ConnectionString,
                managementUrl = (r as RabbitMqServer)?.ManagementUrl,
                log = (r as Resource)?.LogPath,
                commandLine = r.Pid is null ? null : (r as Resource)?.CommandLine,
                // With the pid, identifies the process for the next AppHost's clean-up.
                processStart = r.Pid is null ? null : (r as Resource)?.ProcessStartTicks,
            }).ToList(),
            updatedAt = DateTimeOffset.UtcNow,
        };
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            var temp = FilePath + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(document, Indented));
            File.Move(temp, FilePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Called from state changes on any thread: a table that cannot be written must not stop the system.
            Terminal.WriteLine($"[apphost] could not write {FilePath}: {ex.Message}", error: true);
        }
    }

    public string Format()
    {
        var rows = All().Select(r => (r.Name, State: r.State.ToString(), Pid: r.Pid?.ToString() ?? "", Url: r.Url ?? "")).ToList();
        var w1 = Math.Max(4, rows.Max(r => r.Name.Length));
        var w2 = Math.Max(5, rows.Max(r => r.State.Length));
        var w3 = Math.Max(3, rows.Max(r => r.Pid.Length));
        var lines = new List<string> { $"{"NAME".PadRight(w1)}  {"STATE".PadRight(w2)}  {"PID".PadRight(w3)}  URL" };
        lines.AddRange(rows.Select(r => $"{r.Name.PadRight(w1)}  {r.State.PadRight(w2)}  {r.Pid.PadRight(w3)}  {r.Url}"));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>The pid of the AppHost that last wrote the file, if it says.</summary>
    public int? AppHostPid()
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(FilePath));
            return doc.RootElement.TryGetProperty("appHostPid", out var pid) && pid.TryGetInt32(out var value) ? value : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// An AppHost that was killed could not stop its children. The table it left names their pids with
    /// their start times; a live process with the same pid and start time is that very process (exec
    /// keeps both), not a later one that reused the pid, and is ended with its children.
    /// </summary>
    /// <returns>What was ended, for the console.</returns>
    public IReadOnlyList<string> KillLeftoversOfPreviousRun()
    {
        var ended = new List<string>();
        if (!File.Exists(FilePath))
        {
            return ended;
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(FilePath));
            foreach (var r in doc.RootElement.GetProperty("resources").EnumerateArray())
            {
                if (r.TryGetProperty("pid", out var pidValue) && pidValue.ValueKind == JsonValueKind.Number
                    && r.TryGetProperty("processStart", out var startValue) && startValue.ValueKind == JsonValueKind.Number
                    && pidValue.GetInt32() is var pid && Posix.IsRunning(pid)
                    && Posix.StartTicks(pid) == startValue.GetInt64())
                {
                    try
                    {
                        using var process = System.Diagnostics.Process.GetProcessById(pid);
                        process.Kill(entireProcessTree: true);
                        Posix.KillAndWait([pid], TimeSpan.FromSeconds(10)); // a zombie counts as gone: init may never reap it
                        ended.Add($"{r.GetProperty("name").GetString()} (pid {pid})");
                    }
                    catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                        // it ended meanwhile
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            // A damaged table only means there is nothing reliable to clean up.
        }
        return ended;
    }
}
