using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Audit;

/// <summary>
/// Appends each service's audit records to the one log, keyed, with the program that sent it as the
/// message names it; a redelivered record is appended once. The only writer of the log.
/// </summary>
public sealed class AuditRecordedConsumer(PocIdentityDbContext db, AuditChainKey key) : IdempotentConsumer<AuditRecorded, PocIdentityDbContext>(db)
{
    protected override Task HandleAsync(AuditRecorded message, CancellationToken cancellationToken) =>
        AuditLog.AppendAsync(Db, message, key.Bytes, Sender(), cancellationToken);

    private string? Sender() => Current?.Host is { } host ? $"{host.Assembly} on {host.MachineName}" : null;
}
