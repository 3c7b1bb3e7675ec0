using System.Runtime.InteropServices;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

namespace PocDirectory.AppHost;

/// <summary>
/// Ctrl+C, SIGTERM or SIGHUP stops every resource before the AppHost exits — dependants first, then
/// what they wait for, a level at a time — so no process and no port outlives the command (Aspire
/// alone exits at once and leaves the clean-up to its orchestrator's monitor). A second Ctrl+C kills
/// whatever still runs.
/// </summary>
public sealed class OrderlyStop(DistributedApplicationModel model, ResourceCommandService commands, ResourceTable table,
    IHostApplicationLifetime lifetime) : IHostedService, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private PosixSignalRegistration? _hangUp;
    private PosixSignalRegistration? _interrupt;
    private int _interrupts;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The host stops on SIGINT and SIGTERM; a closed terminal (SIGHUP) would otherwise just kill it.
        _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            lifetime.StopApplication();
        });
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ =>
        {
            if (Interlocked.Increment(ref _interrupts) == 2)
            {
                Terminal.WriteLine("[apphost] Second Ctrl+C: killing every process now.");
                Posix.KillAndWait(table.Rows().Select(r => r.Pid).OfType<int>(), TimeSpan.FromSeconds(5));
            }
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Terminal.WriteLine("[apphost] Stopping…");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        foreach (var level in StopOrder(model.Resources.Where(r => ResourceTable.Shown(r) && r is not PostgresDatabaseResource)))
        {
            await Task.WhenAll(level.Select(resource => StopAsync(resource, timeout.Token)));
        }
        table.PublishStopped();
        Terminal.WriteLine("[apphost] Stopped.");
    }

    /// <summary>Levels by how deep a resource's waits go, the deepest first: dependants before their dependencies.</summary>
    public static IEnumerable<IReadOnlyList<IResource>> StopOrder(IEnumerable<IResource> resources)
    {
        var depth = new Dictionary<IResource, int>();
        int Depth(IResource resource, int guard)
        {
            if (depth.TryGetValue(resource, out var known))
            {
                return known;
            }
            var waits = resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource).ToList();
            var value = waits.Count == 0 || guard > 32 ? 0 : 1 + waits.Max(w => Depth(w, guard + 1));
            depth[resource] = value;
            return value;
        }
        return resources.GroupBy(r => Depth(r, 0)).OrderByDescending(g => g.Key).Select(g => (IReadOnlyList<IResource>)g.ToList());
    }

    private async Task StopAsync(IResource resource, CancellationToken cancellationToken)
    {
        var rows = table.Rows().Where(r => r.Service == resource.Name && r.ResourceId is not null).ToList(); // every replica
        foreach (var row in rows)
        {
            try
            {
                await commands.ExecuteCommandAsync(row.ResourceId!, KnownResourceCommands.StopCommand, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Terminal.WriteLine($"[apphost] {resource.Name} did not stop cleanly: {ex.Message}");
            }
            // The command returns once the orchestrator has asked; the port is free once the process is gone.
            while (row.Pid is { } pid && Posix.IsRunning(pid) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
            }
            if (row.Pid is { } left && Posix.IsRunning(left))
            {
                Terminal.WriteLine($"[apphost] {resource.Name} did not stop within {Timeout.TotalSeconds:0} s; killing it");
                Posix.KillAndWait([left], TimeSpan.FromSeconds(5));
            }
        }
    }

    public void Dispose()
    {
        _hangUp?.Dispose();
        _interrupt?.Dispose();
    }
}
