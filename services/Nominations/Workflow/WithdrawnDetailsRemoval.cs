using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;

namespace PocDirectory.Nominations.Workflow;

/// <summary>
/// Once a withdrawal is older than the retention period (<see cref="WithdrawnRetention"/>), the person's details
/// go from everything Nominations keeps of them: the listed entry (address and withdrawal reason), every
/// nomination of the entry (draft, submitted details, the nominee's addresses, decision reasons), their versions,
/// the details of their events, and their names in update requests. Who nominated, reviewed and withdrew, and
/// when, stay. Claimed with <c>FOR UPDATE SKIP LOCKED</c>: once across replicas, and nothing missed after a restart.
/// </summary>
public sealed class WithdrawnDetailsRemoval(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration,
    ILogger<WithdrawnDetailsRemoval> logger) : WithdrawnDetailsWorker<NominationsDbContext>(scopes, clock, configuration, logger)
{
    protected override async Task<int> RemoveDueAsync(NominationsDbContext db, DateTimeOffset now, DateTimeOffset cutoff, CancellationToken ct)
    {
        var due = await db.ListedPocs
            .FromSql($"""
                SELECT * FROM listed_pocs
                WHERE "WithdrawnAt" <= {cutoff} AND "DetailsRemovedAt" IS NULL
                ORDER BY "WithdrawnAt"
                LIMIT {Batch}
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(p => p.WithdrawnAt)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }
        var ids = due.Select(p => p.PocId).ToList();
        foreach (var listed in due)
        {
            listed.Details = RemovedDetails.Of(listed.Details.Type);
            listed.Email = "";
            listed.WithdrawalReason = null;
            listed.DetailsRemovedAt = now;
            db.AddAuditRecord(ResourceNames.Nominations, "poc.details-removed", AuditOutcomes.Success, actor: "system",
                target: listed.PocId.ToString(), state: listed.State, detail: $"withdrawn {listed.WithdrawnAt:yyyy-MM-dd}; retention period past");
        }
        var nominations = await db.Nominations.Where(n => ids.Contains(n.PocId)).ToListAsync(ct);
        foreach (var nomination in nominations)
        {
            nomination.Draft = new NominationInput { Type = nomination.Draft.Type, FullName = RemovedDetails.FullName };
            nomination.Submitted = nomination.Submitted is { } submitted ? RemovedDetails.Of(submitted.Type) : null;
            nomination.NomineeEmail = null;
            nomination.ConfirmedEmail = null;
            nomination.DecisionReason = null;
            nomination.ConfirmationTokenHash = null;
        }
        var nominationIds = nominations.Select(n => n.Id).ToList();
        foreach (var version in await db.NominationVersions.Where(v => nominationIds.Contains(v.NominationId)).ToListAsync(ct))
        {
            version.Details = RemovedDetails.Of(version.Details.Type);
        }
        await db.NominationEvents.Where(e => nominationIds.Contains(e.NominationId) && e.Detail != null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Detail, (string?)null), ct);
        // The nominee's own acts (confirmed, declined) name them by address and name.
        await db.NominationEvents.Where(e => nominationIds.Contains(e.NominationId) && e.Actor.StartsWith("nominee:"))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Actor, "nominee").SetProperty(e => e.ActorName, RemovedDetails.FullName), ct);
        await db.UpdateRequestEntries.Where(e => ids.Contains(e.PocId))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.FullName, RemovedDetails.FullName), ct);
        return due.Count;
    }
}
