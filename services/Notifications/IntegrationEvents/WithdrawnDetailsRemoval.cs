using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Notifications.Infrastructure;
using PocDirectory.Notifications.Model;

namespace PocDirectory.Notifications.IntegrationEvents;

/// <summary>Keeps a withdrawn person's address until the retention period has passed (<see cref="WithdrawnDetailsRemoval"/>).</summary>
public sealed class PointOfContactWithdrawnConsumer(NotificationsDbContext db)
    : IdempotentConsumer<PointOfContactWithdrawn, NotificationsDbContext>(db)
{
    protected override async Task HandleAsync(PointOfContactWithdrawn message, CancellationToken cancellationToken)
    {
        if (await Db.WithdrawnAddresses.FindAsync([message.PocId], cancellationToken) is null)
        {
            Db.WithdrawnAddresses.Add(new WithdrawnAddress { PocId = message.PocId, Email = message.Email.Trim(), WithdrawnAt = message.WithdrawnAt });
        }
    }
}

/// <summary>
/// Once a withdrawal is older than the retention period (<see cref="WithdrawnRetention"/>), the e-mails the
/// system sent to the person before it lose the address, the name, the subject and the contents; what remains
/// is that an e-mail of that template was sent, when, and how it went. E-mails still waiting to be sent are left.
/// Claimed with <c>FOR UPDATE SKIP LOCKED</c>: once across replicas, and nothing missed after a restart.
/// </summary>
public sealed class WithdrawnDetailsRemoval(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration,
    ILogger<WithdrawnDetailsRemoval> logger) : WithdrawnDetailsWorker<NotificationsDbContext>(scopes, clock, configuration, logger)
{
    protected override async Task<int> RemoveDueAsync(NotificationsDbContext db, DateTimeOffset now, DateTimeOffset cutoff, CancellationToken ct)
    {
        var due = await db.WithdrawnAddresses
            .FromSql($"""
                SELECT * FROM withdrawn_addresses
                WHERE withdrawn_at <= {cutoff}
                ORDER BY withdrawn_at
                LIMIT {Batch}
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(w => w.WithdrawnAt)
            .ToListAsync(ct);
        foreach (var withdrawn in due)
        {
            var address = withdrawn.Email.ToLowerInvariant();
            var removed = await db.EmailDeliveries
                .Where(d => d.To.ToLower() == address && d.CreatedAt <= withdrawn.WithdrawnAt && d.Status != DeliveryStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.To, "")
                    .SetProperty(d => d.ToName, (string?)null)
                    .SetProperty(d => d.Subject, "")
                    .SetProperty(d => d.TextBody, "")
                    .SetProperty(d => d.HtmlBody, "")
                    .SetProperty(d => d.CalendarText, "")
                    .SetProperty(d => d.LastError, d => d.LastError == null ? null : "(removed)"), ct);
            db.WithdrawnAddresses.Remove(withdrawn);
            db.AddAuditRecord(ResourceNames.Notifications, "poc.details-removed", AuditOutcomes.Success, actor: "system",
                target: withdrawn.PocId.ToString(), detail: $"{removed} e-mails; withdrawn {withdrawn.WithdrawnAt:yyyy-MM-dd}; retention period past");
        }
        return due.Count;
    }
}
