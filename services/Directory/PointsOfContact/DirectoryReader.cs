using PocDirectory.Directory.Infrastructure;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>
/// The directory as this replica holds it in memory: read on every search, entry and export, and
/// brought up to the shared generation (<see cref="DirectoryGeneration"/>) before answering. Catching up
/// reads only the entries changed since; one caller catches up while the others wait for it.
/// </summary>
public sealed class DirectoryReader(IServiceScopeFactory scopes, DirectoryGeneration generation)
{
    private static bool IsCurrent(DirectorySnapshot snapshot, long latest, long reachability) =>
        snapshot.Generation >= latest && !ReachabilityDue(snapshot, reachability);

    /// <summary>Reachability changed since the snapshot read it, and the last read is old enough to read again.</summary>
    private static bool ReachabilityDue(DirectorySnapshot snapshot, long reachability) =>
        snapshot.ReachabilityStamp < reachability && Environment.TickCount64 - snapshot.ReachabilityLoadedAt >= (long)ReachabilityRefresh.TotalMilliseconds;

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile DirectorySnapshot _current = DirectorySnapshot.Empty;

    /// <summary>
    /// Reachability (ping answers) may change a thousand times a second during a campaign: a replica
    /// reloads it at most this often, so it is never more than this much behind.
    /// </summary>
    public static readonly TimeSpan ReachabilityRefresh = TimeSpan.FromSeconds(1);

    public async Task<DirectorySnapshot> CurrentAsync(CancellationToken ct)
    {
        var (latest, reachability) = await generation.CurrentAsync(ct);
        var snapshot = _current;
        if (IsCurrent(snapshot, latest, reachability))
        {
            return snapshot;
        }
        await _refresh.WaitAsync(ct);
        try
        {
            snapshot = _current;
            if (IsCurrent(snapshot, latest, reachability))
            {
                return snapshot;
            }
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            if (snapshot.Generation < 0)
            {
                snapshot = await DirectorySnapshot.LoadAsync(db, latest, reachability, ct);
            }
            else
            {
                if (snapshot.Generation < latest)
                {
                    snapshot = await snapshot.AdvanceAsync(db, latest, ct);
                }
                if (ReachabilityDue(snapshot, reachability))
                {
                    snapshot = await snapshot.WithReachabilityAsync(db, reachability, ct);
                }
            }
            _current = snapshot;
            return snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }
}
