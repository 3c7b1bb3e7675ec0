using System.Diagnostics;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// A process the AppHost runs: started and probed until healthy, stopped with the signal its program
/// expects (then killed if it does not go), and — when supervised — started again with backoff when
/// it dies on its own. Servers and services share this life cycle; subclasses say only how to
/// prepare, launch and probe.
/// </summary>
public abstract class Resource : IResource, IAsyncDisposable
{
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private ChildProcess? _process;
    private ResourceLog? _log;
    private volatile bool _intentionalStop;
    private volatile bool _starting;
    private readonly object _exitLock = new();
    private ChildProcess? _exitHandled;
    private CancellationTokenSource _supervision = new();
    private int _consecutiveRestarts;
    private DateTimeOffset _runningSince;
    private ResourceState _state;

    protected Resource(ServerOptions options)
    {
        Options = options;
        FreePorts = options.Port == 0;
        Port = FreePorts ? PortAllocator.GetFreePort() : options.Port;
    }

    public ServerOptions Options { get; }

    public string Name => Options.Name;

    public string DataDirectory => Options.DataDirectory;

    /// <summary>The main listening port, fixed for the resource's life so clients can reconnect.</summary>
    public int Port { get; }

    /// <summary>True when the resource was asked for free ports (port 0): its extra ports are free ones too.</summary>
    protected bool FreePorts { get; }

    public ResourceState State
    {
        get => _state;
        private set
        {
            if (_state != value)
            {
                _state = value;
                StateChanged?.Invoke(this);
                Changed?.Invoke(this);
            }
        }
    }

    public event Action<Resource>? StateChanged;

    /// <summary>The state or the process changed: what the resource table shows is out of date.</summary>
    public event Action<Resource>? Changed;

    internal void MarkWaiting() => State = ResourceState.Waiting;

    public int? Pid => _process is { HasExited: false } p ? p.Pid : null;

    /// <summary>Start time of the current process (ticks since boot), which with the pid identifies it.</summary>
    public long? ProcessStartTicks { get; private set; }

    public abstract string? Url { get; }

    /// <summary>The program and arguments of the current process.</summary>
    public string? CommandLine { get; private set; }

    /// <summary>Resources that must be Running before this one starts.</summary>
    public List<Resource> WaitsFor { get; } = [];

    /// <summary>Start again with backoff after an unexpected exit (the AppHost sets this).</summary>
    public bool Supervised { get; set; }

    public string LogPath => Log.Path;

    /// <summary>How long a start may take until healthy (<see cref="ServerOptions.StartTimeout"/> or the kind's default).</summary>
    public TimeSpan StartTimeout => Options.StartTimeout ?? DefaultStartTimeout;

    protected virtual TimeSpan DefaultStartTimeout => TimeSpan.FromSeconds(60);

    public virtual TimeSpan StopTimeout => TimeSpan.FromSeconds(15);

    protected virtual int StopSignal => Posix.SigTerm;

    /// <summary>
    /// Set in the environment of every process a resource starts, and inherited by whatever those
    /// start in turn, even daemons that leave the process tree (epmd): finding the strays of a crash
    /// or of a killed AppHost needs no pid.
    /// </summary>
    public const string MarkerVariable = "POCDIR_RESOURCE_DATA";

    protected ResourceLog Log => _log ??= new ResourceLog(Name, Options.LogDirectory ?? DataDirectory, Options.EchoToConsole);

    /// <summary>Folders, configuration files, first-time initialisation. Runs before every start.</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract ProcessStartInfo CreateStartInfo();

    /// <summary>One health probe; exceptions count as "not yet".</summary>
    protected abstract Task<bool> IsHealthyAsync(CancellationToken cancellationToken);

    /// <summary>Work that needs the running server (creating databases).</summary>
    protected virtual Task AfterHealthyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Clean-up of helpers the process left (RabbitMQ's epmd).</summary>
    protected virtual Task AfterStoppedAsync() => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            await StartCoreAsync(cancellationToken);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false })
        {
            return;
        }
        State = ResourceState.Starting;
        _starting = true;
        ChildProcess? process = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            Directory.CreateDirectory(DataDirectory);
            LogStrays(KillStrays());
            // Another program on the port would answer the health probe in this one's place.
            if (!PortAllocator.IsFree(Port))
            {
                throw new InvalidOperationException(
                    $"{Name} cannot start: port {Port} on 127.0.0.1 is already in use by another program.");
            }
            await PrepareAsync(timeout.Token);
            var startInfo = CreateStartInfo();
            startInfo.Environment[MarkerVariable] = Path.GetFullPath(DataDirectory);
            _intentionalStop = false;
            process = ChildProcess.Start(startInfo, Log);
            _process?.Dispose(); // the previous, exited process
            _process = process;
            CommandLine = string.Join(' ', new[] { startInfo.FileName }.Concat(startInfo.ArgumentList));
            ProcessStartTicks = Posix.StartTicks(process.Pid);
            _ = process.Exited.ContinueWith(t => OnExited(process, t.Result), TaskScheduler.Default);
            Changed?.Invoke(this); // a pid to show while starting

            while (!await ProbeAsync(timeout.Token))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException(
                        $"{Name} exited with code {process.Exited.Result} while starting. Last output ({Log.Path}):{Environment.NewLine}{Log.Tail()}");
                }
                await Task.Delay(250, timeout.Token);
            }
            await AfterHealthyAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            _intentionalStop = true;
            _starting = false;
            if (process is not null)
            {
                process.KillTree();
                await process.WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
            await AfterStoppedAsync();
            LogStrays(KillStrays());
            // Abandoned by the caller (shutdown, another resource failed): stopped, not broken.
            State = cancellationToken.IsCancellationRequested ? ResourceState.Stopped : ResourceState.Failed;
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"{Name} was not healthy within {StartTimeout.TotalSeconds:0} s. Last output ({Log.Path}):{Environment.NewLine}{Log.Tail()}", ex);
            }
            throw;
        }
        // What the process is once the wrappers (setsid, setpriv) have exec'd, for people reading the table.
        CommandLine = Posix.CommandLine(process.Pid) ?? CommandLine;
        _runningSince = DateTimeOffset.UtcNow;
        State = ResourceState.Running;
        _starting = false;
        if (process.HasExited)
        {
            OnExited(process, process.Exited.Result); // it died between the last probe and now
        }
    }

    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await IsHealthyAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Kills the process tree at once, without waiting for a stop or start in progress
    /// (a second Ctrl+C); that stop or start then sees the exit and finishes quickly.</summary>
    internal void KillImmediately()
    {
        _intentionalStop = true;
        _process?.KillTree();
    }

    /// <summary>Graceful stop with the program's own signal; killed if it has not gone within <see cref="StopTimeout"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        // From here on an exit is no crash, not even one that happened just before and is still being
        // reported; then cancel a pending or running automatic restart, so it gives up the lock.
        _intentionalStop = true;
        await _supervision.CancelAsync();
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            _supervision = new CancellationTokenSource();
            var process = _process;
            if (process is null || process.HasExited)
            {
                if (State != ResourceState.NotStarted)
                {
                    await AfterStoppedAsync();
                    LogStrays(KillStrays());
                    // A failure stays visible in the final table; anything else has now stopped.
                    State = State == ResourceState.Failed ? ResourceState.Failed : ResourceState.Stopped;
                }
                return;
            }
            State = ResourceState.Stopping;
            process.Signal(StopSignal);
            if (!await process.WaitForExitAsync(StopTimeout))
            {
                Log.Write($"--- did not stop within {StopTimeout.TotalSeconds:0} s; killing it");
                process.KillTree();
            }
            await process.WaitForExitAsync(TimeSpan.FromSeconds(15));
            await AfterStoppedAsync();
            LogStrays(KillStrays());
            State = ResourceState.Stopped;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private void OnExited(ChildProcess process, int exitCode)
    {
        // While starting, the start itself reports the exit (as a failed start).
        if (_intentionalStop || _starting || !ReferenceEquals(process, _process))
        {
            return;
        }
        lock (_exitLock)
        {
            if (ReferenceEquals(_exitHandled, process))
            {
                return;
            }
            _exitHandled = process;
        }
        Log.Write($"--- {Name} exited unexpectedly with code {exitCode}");
        if (!Supervised)
        {
            State = ResourceState.Failed;
            return;
        }
        _ = RestartWithBackoffAsync(_supervision.Token);
    }

    /// <summary>
    /// Ends processes this resource started earlier that outlived it: helpers after a stop, children of
    /// a crashed process, or everything a killed AppHost left behind. Never called while it runs.
    /// </summary>
    /// <returns>What was ended, as "pid (command line)".</returns>
    internal IReadOnlyList<string> KillStrays()
    {
        var strays = Posix.ProcessesWithEnvironment(MarkerVariable, Path.GetFullPath(DataDirectory))
            .Where(Posix.IsRunning)
            .Select(pid => (pid, command: Posix.CommandLine(pid)))
            .ToList();
        Posix.KillAndWait(strays.Select(s => s.pid), TimeSpan.FromSeconds(5));
        return strays.Select(s => $"{s.pid} ({s.command})").ToList();
    }

    private void LogStrays(IReadOnlyList<string> ended)
    {
        foreach (var stray in ended)
        {
            Log.Write($"--- ended stray process {stray}");
        }
    }

    /// <summary>1 s, 2 s, 4 s … up to 30 s between attempts; the count resets after a minute of running.</summary>
    public static TimeSpan RestartDelay(int consecutiveRestarts) =>
        TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Max(0, consecutiveRestarts))));

    private async Task RestartWithBackoffAsync(CancellationToken cancellationToken)
    {
        if (DateTimeOffset.UtcNow - _runningSince > TimeSpan.FromMinutes(1))
        {
            _consecutiveRestarts = 0;
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            var delay = RestartDelay(_consecutiveRestarts++);
            State = ResourceState.Restarting;
            Log.Write($"--- restarting {Name} in {delay.TotalSeconds:0} s");
            try
            {
                await Task.Delay(delay, cancellationToken);
                await AfterStoppedAsync();
                await StartAsync(cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.Write($"--- restart of {Name} failed: {ex.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(StopTimeout + TimeSpan.FromSeconds(20));
            await StopAsync(timeout.Token);
        }
        catch (Exception)
        {
            _process?.KillTree();
            await AfterStoppedAsync();
            KillStrays();
        }
        _process?.Dispose();
        _log?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts a standalone resource; on failure nothing is left running.</summary>
    protected static async Task<T> StartNewAsync<T>(T resource, CancellationToken cancellationToken) where T : Resource
    {
        try
        {
            await resource.StartAsync(cancellationToken);
            return resource;
        }
        catch
        {
            await resource.DisposeAsync();
            throw;
        }
    }
}
