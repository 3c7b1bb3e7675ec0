using System.Runtime.InteropServices;

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
    private readonly IReadOnlyList<StartupCommand> _commands;
    private readonly ResourceTable _table;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly System.Diagnostics.Stopwatch _clock = new();
    private int _signals;
    private volatile bool _started;

    internal DistributedApplication(AppHostOptions options, IReadOnlyList<Resource> startOrder, IReadOnlyList<StartupCommand> commands)
    {
        _options = options;
        _resources = startOrder;
        _commands = commands;
        _table = new ResourceTable(Path.Combine(options.StateDirectory, "resources.json"), startOrder);
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

    public IReadOnlyList<Resource> Resources => _resources;

    public string ResourcesFile => _table.FilePath;

    /// <summary>Runs until Ctrl+C, SIGTERM or SIGHUP; returns the process exit code (0, or 1 when start-up failed).</summary>
    public async Task<int> RunAsync()
    {
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

        Directory.CreateDirectory(_options.StateDirectory);
        using var stateLock = LockStateDirectory();
        if (stateLock is null)
        {
            return 1;
        }
        Say($"State folder: {_options.StateDirectory}{(_options.Isolated ? " (isolated: free ports)" : "")}");
        if (SigIntIgnored())
        {
            Say("SIGINT is ignored by this process (inherited from its parent): stop it with SIGTERM.");
        }
        // Before --reset deletes their folders: processes of a killed AppHost, by pid, then whatever
        // they started that carries a resource's marker (RabbitMQ's epmd, orphaned server children).
        foreach (var leftover in _table.KillLeftoversOfPreviousRun())
        {
            Say($"Ended {leftover} left running by a previous AppHost");
        }
        foreach (var resource in _resources)
        {
            foreach (var stray in resource.KillStrays())
            {
                Say($"Ended {resource.Name}'s process {stray} left running by a previous AppHost");
            }
        }
        if (_options.Reset)
        {
            Say($"--reset: deleting the data and logs in {_options.StateDirectory}");
            foreach (var entry in new DirectoryInfo(_options.StateDirectory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo dir)
                {
                    dir.Delete(recursive: true);
                }
                else if (entry.Name != LockFileName)
                {
                    entry.Delete();
                }
            }
        }
        foreach (var resource in _resources)
        {
            resource.StateChanged += OnStateChanged;
            resource.Changed += _ => _table.Publish();
            if (resource.WaitsFor.Count > 0)
            {
                resource.MarkWaiting();
            }
        }
        _table.Publish();

        var exitCode = 0;
        try
        {
            _clock.Start();
            await StartAllAsync(_shutdown.Token);
            _started = true;
            Terminal.WriteLine(_table.Format());
            await RunStartupCommandsAsync(_shutdown.Token);
            Say($"Everything is running ({_clock.Elapsed.TotalSeconds:0.0} s). Resource table: {ResourcesFile}. Press Ctrl+C to stop.");
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
        _table.Publish();
        Say("Stopped.");
        return exitCode;
    }

    /// <summary>The first signal stops in order; another one kills whatever is still running.</summary>
    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) == 1)
        {
            _shutdown.Cancel();
            return;
        }
        Say("Second signal: killing every process now.");
        foreach (var resource in _resources)
        {
            resource.KillImmediately();
        }
    }

    private async Task StartAllAsync(CancellationToken shutdown)
    {
        // The first failure abandons every other start in progress, so the stop can follow at once.
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var started = _resources.ToDictionary(r => r, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var tasks = _resources.Select(async resource =>
        {
            try
            {
                await Task.WhenAll(resource.WaitsFor.Select(d => started[d].Task)).WaitAsync(startup.Token);
                await resource.StartAsync(startup.Token);
                started[resource].TrySetResult();
            }
            catch (Exception ex)
            {
                started[resource].TrySetException(ex);
                throw;
            }
        }).ToList();

        Exception? first = null;
        while (tasks.Count > 0)
        {
            var finished = await Task.WhenAny(tasks);
            tasks.Remove(finished);
            if (finished.Exception is { } failure && first is null)
            {
                first = failure.InnerException ?? failure;
                await startup.CancelAsync();
            }
        }
        if (first is not null && !shutdown.IsCancellationRequested)
        {
            throw first;
        }
        shutdown.ThrowIfCancellationRequested();
    }

    private async Task RunStartupCommandsAsync(CancellationToken shutdown)
    {
        foreach (var command in _commands)
        {
            // A few lines, and what they say (done, or refused) matters: always on the console too.
            using var log = new ResourceLog(command.Name, _options.LogDirectory, echo: true);
            Say($"{command.Name}: running {Path.GetFileNameWithoutExtension(command.Project.AssemblyPath)} {string.Join(' ', command.Args)}");
            var code = await ChildProcess.RunAsync(ProjectResource.DotnetHost, [command.Project.AssemblyPath, .. command.Args], log, shutdown,
                command.Project.BuildEnvironment());
            if (code != 0)
            {
                throw new InvalidOperationException($"{command.Name} ended with exit code {code} (its output: {log.Path}).");
            }
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
        var details = resource.State == ResourceState.Running ? $" (pid {resource.Pid}, {resource.Url})" : "";
        // During start-up, when it happened: where the start-up time goes, read off the console.
        var at = _started || !_clock.IsRunning ? "" : $" at {_clock.Elapsed.TotalSeconds:0.0} s";
        Say($"{resource.Name}: {resource.State}{at}{details}");
        // After start-up, a resource coming back or failing changes the picture: show the whole table.
        if (_started && !_shutdown.IsCancellationRequested && resource.State is ResourceState.Running or ResourceState.Failed)
        {
            Terminal.WriteLine(_table.Format());
        }
    }

    private const string LockFileName = "apphost.lock";

    /// <summary>
    /// One AppHost per state folder: a second one would take the first one's processes for leftovers
    /// of a killed run and end them. The lock dies with the process, however it ends.
    /// </summary>
    private FileStream? LockStateDirectory()
    {
        var path = Path.Combine(_options.StateDirectory, LockFileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return stream;
        }
        catch (IOException)
        {
            Say($"Another AppHost{_table.AppHostPid() switch { { } pid => $" (pid {pid})", null => "" }} is using {_options.StateDirectory}; stop it first or use --state-dir.");
            return null;
        }
    }

    /// <summary>.NET leaves a signal ignored when the parent ignored it (as shells do for background jobs).</summary>
    private static bool SigIntIgnored()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (Posix.SigInt - 1))) != 0;
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Say(string message) => Terminal.WriteLine($"[apphost] {message}");
}
