using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Infrastructure;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>
/// Once a withdrawal is older than the retention period (<see cref="WithdrawnRetention"/>), the person's details
/// go from everything the Directory keeps of them: the entry, every version of it (with the withdrawal's reason)
/// and every ping test's recipient row. What remains says that there was a contact of that kind, of that State,
/// listed and withdrawn when, by whom. Due withdrawals are claimed with <c>FOR UPDATE SKIP LOCKED</c>: each is
/// handled once across replicas, and one missed while the service was down is handled at the next check.
/// </summary>
public sealed class WithdrawnDetailsRemoval(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration,
    ILogger<WithdrawnDetailsRemoval> logger) : WithdrawnDetailsWorker<DirectoryDbContext>(scopes, clock, configuration, logger)
{
    protected override async Task<int> RemoveDueAsync(DirectoryDbContext db, DateTimeOffset now, DateTimeOffset cutoff, CancellationToken ct)
    {
        var due = await db.Entries
            .FromSql($"""
                SELECT * FROM poc_entries
                WHERE "Status" = 'Withdrawn' AND "WithdrawnAt" <= {cutoff} AND "DetailsRemovedAt" IS NULL
                ORDER BY "WithdrawnAt"
                LIMIT {Batch}
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(e => e.WithdrawnAt)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }
        var ids = due.Select(e => e.PocId).ToList();
        foreach (var entry in due)
        {
            entry.Details = entry.Details is { } details ? RemovedDetails.Of(details.Type) : null;
            entry.DetailsRemovedAt = now;
            db.AddAuditRecord(ResourceNames.Directory, "poc.details-removed", AuditOutcomes.Success, actor: "system",
                target: entry.PocId.ToString(), state: entry.State, detail: $"withdrawn {entry.WithdrawnAt:yyyy-MM-dd}; retention period past");
        }
        foreach (var version in await db.EntryVersions.Where(v => ids.Contains(v.PocId)).ToListAsync(ct))
        {
            version.Details = version.Details is { } details ? RemovedDetails.Of(details.Type) : null;
            version.Reason = null;
        }
        await db.PingRecipients.Where(r => ids.Contains(r.PocId)).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.FullName, RemovedDetails.FullName)
            .SetProperty(r => r.Email, "")
            .SetProperty(r => r.UndeliverableReason, r => r.UndeliverableReason == null ? null : "(removed)"), ct);
        return due.Count;
    }
}
