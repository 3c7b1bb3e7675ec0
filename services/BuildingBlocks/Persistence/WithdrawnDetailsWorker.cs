using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PocDirectory.BuildingBlocks.Persistence;

/// <summary>
/// What each service's removal of withdrawn people's details shares: every <see cref="WithdrawnRetention.CheckInterval"/>,
/// one transaction in which <see cref="RemoveDueAsync"/> claims (with <c>FOR UPDATE SKIP LOCKED</c>) the withdrawals
/// older than <see cref="WithdrawnRetention.Period"/> and removes what the service keeps of those people.
/// </summary>
public abstract class WithdrawnDetailsWorker<TContext>(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger logger)
    : DeadlineWorker(clock, logger)
    where TContext : DbContext
{
    protected override int Batch => 100;

    protected override TimeSpan Interval => WithdrawnRetention.CheckInterval(configuration);

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = Clock.GetUtcNow();
        var cutoff = now - WithdrawnRetention.Period(configuration);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var handled = await RemoveDueAsync(db, now, cutoff, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return handled;
    }

    /// <summary>Claims up to <see cref="DeadlineWorker.Batch"/> withdrawals made at or before <paramref name="cutoff"/>, removes their details; returns how many.</summary>
    protected abstract Task<int> RemoveDueAsync(TContext db, DateTimeOffset now, DateTimeOffset cutoff, CancellationToken ct);
}
