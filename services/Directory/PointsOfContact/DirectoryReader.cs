using PocDirectory.Directory.Infrastructure;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>
/// The directory as this replica holds it in memory: read on every search, entry and export, and
/// brought up to the shared generation (<see cref="DirectoryGeneration"/>) before answering. Catching up
/// reads only the entries changed since; one caller catches up while the others wait for it.
/// </summary>
public sealed class DirectoryReader(IServiceScopeFactory scopes, DirectoryGeneration generation)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile DirectorySnapshot _current = DirectorySnapshot.Empty;

    public async Task<DirectorySnapshot> CurrentAsync(CancellationToken ct)
    {
        var latest = await generation.CurrentAsync(ct);
        var snapshot = _current;
        if (snapshot.Generation >= latest)
        {
            return snapshot;
        }
        await _refresh.WaitAsync(ct);
        try
        {
            snapshot = _current;
            if (snapshot.Generation >= latest)
            {
                return snapshot;
            }
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            snapshot = snapshot.Generation < 0
                ? await DirectorySnapshot.LoadAsync(db, latest, ct)
                : await snapshot.AdvanceAsync(db, latest, ct);
            _current = snapshot;
            return snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }
}
