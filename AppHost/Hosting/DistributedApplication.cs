using System.Runtime.InteropServices;
using System.Text.Json;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// Runs the declared resources: cleans up after a previous AppHost that was killed, starts each
/// resource once everything it waits for is Running, publishes the resource table, and on Ctrl+C or
/// SIGTERM stops everything in reverse order.
/// </summary>
public sealed class DistributedApplication
{
    private readonly AppHostOptions _options;
    private readonly IReadOnlyList<Resource> _resources; // dependencies first
    private readonly CancellationTokenSource _shutdown = new();
    private readonly object _publishLock = new();

    internal DistributedApplication(AppHostOptions options, IReadOnlyList<Resource> startOrder)
    {
        _options = options;
        _resources = startOrder;
    }

    /// <summary>Parses the command line; a wrong one ends the program with the usage and exit code 2.</summary>
    public static DistributedApplicationBuilder CreateBuilder(string[] args)
    {
        try
        {
            return DistributedApplicationBuilder.Create(AppHostOptions.Parse(args));
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Environment.Exit(2);
            throw; // unreachable
        }
    }

    public string ResourcesFile => Path.Combine(_options.StateDirectory, "resources.json");

    /// <summary>Runs until Ctrl+C or SIGTERM; returns the process exit code.</summary>
    public async Task<int> RunAsync()
    {
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        KillLeftoversOfPreviousRun();
        if (_options.Reset && Directory.Exists(_options.StateDirectory))
        {
            Say($"--reset: deleting {_options.StateDirectory}");
            Directory.Delete(_options.StateDirectory, recursive: true);
        }
        Directory.CreateDirectory(_options.StateDirectory);
        foreach (var resource in _resources)
        {
            resource.StateChanged += OnStateChanged;
            if (resource.WaitsFor.Count > 0)
            {
                resource.MarkWaiting();
            }
        }
        Publish();

        var exitCode = 0;
        try
        {
            await StartAllAsync(_shutdown.Token);
            PrintTable();
            Say($"Everything is running. Resource table: {ResourcesFile}. Press Ctrl+C to stop.");
            await Task.Delay(Timeout.Infinite, _shutdown.Token);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Say($"Start-up failed: {ex.Message}");
            exitCode = 1;
        }

        Say("Stopping…");
        await StopAllAsync();
        Publish();
        Say("Stopped.");
        return exitCode;
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // we stop in order ourselves
        _shutdown.Cancel();
    }

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        var started = _resources.ToDictionary(r => r, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var tasks = _resources.Select(async resource =>
        {
            try
            {
                await Task.WhenAll(resource.WaitsFor.Select(d => started[d].Task)).WaitAsync(cancellationToken);
                await resource.StartAsync(cancellationToken);
                started[resource].TrySetResult();
            }
            catch (Exception ex)
            {
                started[resource].TrySetException(ex);
                throw;
            }
        }).ToList();

        // The first failure ends the start-up; the others are cancelled by the shutdown that follows.
        while (tasks.Count > 0)
        {
            var finished = await Task.WhenAny(tasks);
            tasks.Remove(finished);
            await finished;
        }
    }

    private async Task StopAllAsync()
    {
        // Reverse order by dependency depth: dependants stop before what they depend on; a level stops together.
        var depth = new Dictionary<Resource, int>();
        foreach (var resource in _resources)
        {
            depth[resource] = resource.WaitsFor.Count == 0 ? 0 : resource.WaitsFor.Max(d => depth[d]) + 1;
        }
        foreach (var level in _resources.GroupBy(r => depth[r]).OrderByDescending(g => g.Key))
        {
            await Task.WhenAll(level.Select(async resource =>
            {
                try
                {
                    await resource.DisposeAsync();
                }
                catch (Exception ex)
                {
                    Say($"{resource.Name} did not stop cleanly: {ex.Message}");
                }
            }));
        }
    }

    private void OnStateChanged(Resource resource)
    {
        Say($"{resource.Name}: {resource.State}{(resource.State == ResourceState.Running ? $" (pid {resource.Pid}, {resource.Url})" : "")}");
        Publish();
    }

    private IEnumerable<IResource> AllResources()
    {
        foreach (var resource in _resources)
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

    /// <summary>Writes resources.json atomically, so a reader never sees half a file.</summary>
    private void Publish()
    {
        lock (_publishLock)
        {
            var document = new
            {
                updatedAt = DateTimeOffset.UtcNow,
                resources = AllResources().Select(r => new
                {
                    name = r.Name,
                    state = r.State.ToString(),
                    pid = r.Pid,
                    url = r.Url,
                    connectionString = (r as IResourceWithConnectionString)?.ConnectionString,
                    managementUrl = (r as RabbitMqServer)?.ManagementUrl,
                    log = (r as Resource)?.Options is { } o ? Path.Combine(o.LogDirectory ?? o.DataDirectory, o.Name + ".log") : null,
                    commandLine = (r as Resource)?.CommandLine,
                }),
            };
            Directory.CreateDirectory(_options.StateDirectory);
            var temp = ResourcesFile + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
            File.Move(temp, ResourcesFile, overwrite: true);
        }
    }

    private void PrintTable()
    {
        var rows = AllResources().Select(r => (r.Name, State: r.State.ToString(), Pid: r.Pid?.ToString() ?? "", Url: r.Url ?? "")).ToList();
        var w1 = Math.Max(4, rows.Max(r => r.Name.Length));
        var w2 = Math.Max(5, rows.Max(r => r.State.Length));
        var w3 = Math.Max(3, rows.Max(r => r.Pid.Length));
        var lines = new List<string> { $"{"NAME".PadRight(w1)}  {"STATE".PadRight(w2)}  {"PID".PadRight(w3)}  URL" };
        lines.AddRange(rows.Select(r => $"{r.Name.PadRight(w1)}  {r.State.PadRight(w2)}  {r.Pid.PadRight(w3)}  {r.Url}"));
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }

    /// <summary>
    /// An AppHost that was killed could not stop its children. Their pids and command lines are in the
    /// old resources.json; any still alive with the same command line is ended before starting again.
    /// </summary>
    private void KillLeftoversOfPreviousRun()
    {
        if (!File.Exists(ResourcesFile))
        {
            return;
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(ResourcesFile));
            foreach (var r in doc.RootElement.GetProperty("resources").EnumerateArray())
            {
                if (r.TryGetProperty("pid", out var pidValue) && pidValue.ValueKind == JsonValueKind.Number
                    && r.TryGetProperty("commandLine", out var commandValue) && commandValue.GetString() is { } command
                    && pidValue.GetInt32() is var pid && Posix.IsAlive(pid)
                    && ReadCommandLine(pid) is { } live
                    // setpriv execs postgres, and sh runs rabbitmq-server: compare the common tail
                    && (live == command || command.EndsWith(live, StringComparison.Ordinal) || live.EndsWith(command, StringComparison.Ordinal)))
                {
                    Say($"Ending {r.GetProperty("name").GetString()} (pid {pid}) left by a previous run");
                    try
                    {
                        System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
                    }
                    catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                    {
                        // it ended meanwhile
                    }
                }
            }
        }
        catch (JsonException)
        {
            // a damaged table only means there is nothing reliable to clean up
        }
    }

    private static string? ReadCommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return string.Join(' ', raw.TrimEnd('\0').Split('\0'));
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void Say(string message) => Console.WriteLine($"[apphost] {message}");
}
