using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

namespace PocDirectory.AppHost;

/// <summary>
/// Starts again a resource that died on its own — exited with a non-zero code or was killed — after
/// 1 s, 2 s, 4 s … up to 30 s, the count reset after a minute of running. Aspire does not restart a
/// process that exits (dotnet/aspire issue 1708). A stop asked for (Ctrl+C, the dashboard's Stop, a
/// stop command) ends with code 0 and is left alone, as is everything while the AppHost stops.
/// </summary>
public sealed class CrashRestarter(ResourceNotificationService notifications, ResourceCommandService commands,
    IHostApplicationLifetime lifetime) : ResourceWatcher
{
    private readonly ConcurrentDictionary<string, int> _restarting = new();
    private readonly ConcurrentDictionary<string, (int Attempts, DateTimeOffset RunningSince)> _history = new();

    /// <summary>Raised when a resource starts or stops waiting for its restart.</summary>
    public event Action? Changed;

    public bool IsRestarting(string name) => _restarting.ContainsKey(name);

    /// <summary>1 s, 2 s, 4 s … up to 30 s between attempts.</summary>
    public static TimeSpan Delay(int attempt) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Max(0, attempt))));

    /// <summary>Died on its own: a non-zero exit, a signal, or a start that failed.</summary>
    public static bool Crashed(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text == KnownResourceStates.FailedToStart
        || (snapshot.State?.Text is "Exited" or "Finished" && snapshot.ExitCode is not 0);

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var resourceEvent in notifications.WatchAsync(stoppingToken))
            {
                var name = ResourceRow.KeyOf(resourceEvent); // each replica on its own
                var snapshot = resourceEvent.Snapshot;
                if (!ResourceTable.Shown(resourceEvent.Resource) || resourceEvent.Resource is PostgresDatabaseResource)
                {
                    continue;
                }
                if (snapshot.State?.Text == KnownResourceStates.Running)
                {
                    _history.AddOrUpdate(name, _ => (0, DateTimeOffset.UtcNow), (_, h) => h.RunningSince == default ? (h.Attempts, DateTimeOffset.UtcNow) : h);
                    if (_restarting.TryRemove(name, out _))
                    {
                        Changed?.Invoke();
                    }
                    continue;
                }
                if (Crashed(snapshot) && !lifetime.ApplicationStopping.IsCancellationRequested && _restarting.TryAdd(name, 0))
                {
                    Changed?.Invoke();
                    _ = RestartAsync(name, resourceEvent.ResourceId, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(string name, string resourceId, CancellationToken stoppingToken)
    {
        var (attempts, since) = _history.GetValueOrDefault(name);
        if (since != default && DateTimeOffset.UtcNow - since > TimeSpan.FromMinutes(1))
        {
            attempts = 0;
        }
        while (!stoppingToken.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            var delay = Delay(attempts++);
            _history[name] = (attempts, default);
            Terminal.WriteLine($"[apphost] {name} exited unexpectedly; restarting in {delay.TotalSeconds:0} s");
            try
            {
                await Task.Delay(delay, stoppingToken);
                var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stoppingToken);
                if (result.Success)
                {
                    return; // Running (or a crash again) comes as a notification
                }
                Terminal.WriteLine($"[apphost] restart of {name} failed: {result.Message}");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Terminal.WriteLine($"[apphost] restart of {name} failed: {ex.Message}");
            }
        }
    }
}
