using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Audit;

/// <summary>Appends each service's audit records to the one log; a redelivered record is appended once.</summary>
public sealed class AuditRecordedConsumer(PocIdentityDbContext db) : IdempotentConsumer<AuditRecorded, PocIdentityDbContext>(db)
{
    protected override Task HandleAsync(AuditRecorded message, CancellationToken cancellationToken) =>
        AuditLog.AppendAsync(Db, message, cancellationToken);
}
