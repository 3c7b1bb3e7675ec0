using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

namespace PocDirectory.AppHost;

/// <summary>
/// <c>resources.json</c> in the state folder — every resource's name, state, pid and url, and the
/// system's public origin — kept current from Aspire's resource notifications for scripts and tests;
/// and on the console, each resource's changes with the time since start, then the whole table once
/// everything runs.
/// </summary>
public sealed class ResourceTable(AppHostOptions options, LocalRuntimeSettings settings, ResourceNotificationService notifications, CrashRestarter restarter,
    IHostApplicationLifetime lifetime) : ResourceWatcher
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly Dictionary<string, string> _shown = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource _allRunning = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _write = new();

    public string FilePath => Path.Combine(options.StateDirectory, "resources.json");

    /// <summary>Completes the first time every resource is Running.</summary>
    public Task AllRunning => _allRunning.Task;

    /// <summary>The gateway as browsers reach it, and the tokens' issuer ("localhost": passkeys need a name).</summary>
    public static string PublicOrigin(int gatewayPort) => $"http://localhost:{gatewayPort}/";

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        restarter.Changed += Publish;
        _ = RefreshAsync(stoppingToken);
        try
        {
            await foreach (var resourceEvent in notifications.WatchAsync(stoppingToken))
            {
                if (!Shown(resourceEvent.Resource) || resourceEvent.Snapshot.IsHidden)
                {
                    continue;
                }
                _latest[ResourceRow.KeyOf(resourceEvent)] = resourceEvent;
                if (!_stopped)
                {
                    Publish();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The orchestrator reports a process's end a moment after it happened; a look at the processes
    /// four times a second keeps the table from calling a dead process Running meanwhile.
    /// </summary>
    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!_stopped && !Rows().SequenceEqual(_written))
                {
                    Publish();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private IReadOnlyList<ResourceRow> _written = [];

    /// <summary>The servers, their databases and the projects; not parameters, nor Aspire's hidden helpers.</summary>
    public static bool Shown(IResource resource) =>
        resource is ServerResource or PostgresDatabaseResource or ProjectResource && !resource.Name.EndsWith("-rebuilder", StringComparison.Ordinal);

    public IReadOnlyList<ResourceRow> Rows() =>
        _latest.Values.Select(e => ResourceRow.From(e, restarter.IsRestarting(ResourceRow.KeyOf(e))))
            .Select(r => _stopped && (r.Pid is null || !Posix.IsRunning(r.Pid.Value)) ? r with { State = "Stopped", Pid = null } : r)
            .OrderBy(r => r.Name, StringComparer.Ordinal).ToList();

    /// <summary>The last table of a run: every resource whose process is gone is Stopped.</summary>
    public void PublishStopped()
    {
        lock (_write)
        {
            _stopped = true;
            Write(Rows());
        }
    }

    private volatile bool _stopped;

    private void Publish()
    {
        lock (_write)
        {
            var rows = Rows();
            Write(rows);
            _written = rows;
            Report(rows);
        }
    }

    private void Report(IReadOnlyList<ResourceRow> rows)
    {
        var starting = !_allRunning.Task.IsCompleted;
        foreach (var row in rows)
        {
            if (_shown.TryGetValue(row.Name, out var before) && before == row.State)
            {
                continue;
            }
            _shown[row.Name] = row.State;
            var at = starting ? $" at {_clock.Elapsed.TotalSeconds:0.0} s" : "";
            var details = row.State == KnownResourceStates.Running ? $" (pid {row.Pid}, {row.Url})" : "";
            Terminal.WriteLine($"[apphost] {row.Name}: {row.State}{at}{details}");
        }
        if (starting && rows.Count > 0 && rows.All(r => r.State == KnownResourceStates.Running) && !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            Terminal.WriteLine(Format(rows));
            Terminal.WriteLine($"[apphost] Everything is running ({_clock.Elapsed.TotalSeconds:0.0} s). Dashboard: {settings.DashboardUrl} (its login token: {Path.Combine(options.StateDirectory, "secrets", "dashboard-token")}). Resource table: {FilePath}. Press Ctrl+C to stop.");
            _allRunning.TrySetResult();
        }
    }

    private void Write(IReadOnlyList<ResourceRow> rows)
    {
        var document = new
        {
            appHostPid = Environment.ProcessId,
            publicOrigin = settings.GatewayPort > 0 ? PublicOrigin(settings.GatewayPort) : null,
            webOrigin = settings.WebPort > 0 ? $"http://localhost:{settings.WebPort}/" : null,
            dashboard = settings.DashboardUrl,
            dashboardOtlpHttp = settings.DashboardOtlpHttpUrl,
            resources = rows.Select(r => new
            {
                name = r.Name,
                service = r.Service,
                state = r.State,
                pid = r.Pid,
                url = r.Url,
                managementUrl = r.ManagementUrl,
                log = Path.Combine(options.LogDirectory, r.Name + ".log"),
            }),
            updatedAt = DateTimeOffset.UtcNow,
        };
        try
        {
            var temp = FilePath + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(document, Indented));
            File.Move(temp, FilePath, overwrite: true); // a reader never sees half a file
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Terminal.WriteLine($"[apphost] could not write {FilePath}: {ex.Message}", error: true);
        }
    }

    public static string Format(IReadOnlyList<ResourceRow> rows)
    {
        var w1 = Math.Max(4, rows.Max(r => r.Name.Length));
        var w2 = Math.Max(5, rows.Max(r => r.State.Length));
        var lines = new List<string> { $"{"NAME".PadRight(w1)}  {"STATE".PadRight(w2)}  {"PID",-7}  URL" };
        lines.AddRange(rows.Select(r => $"{r.Name.PadRight(w1)}  {r.State.PadRight(w2)}  {r.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",-7}  {r.Url}"));
        return string.Join(Environment.NewLine, lines);
    }
}
