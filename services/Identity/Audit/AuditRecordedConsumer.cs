using MassTransit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Audit;

/// <summary>
/// Appends each service's audit records to the one log, keyed, with the program that sent each as the
/// message names it; a redelivered record is appended once. The only writer of the log. Records come
/// in batches (<see cref="Options"/>): a burst of them (a ping test's acknowledgements) takes the
/// chain's lock, its last record and a commit once per batch, not once per record.
/// </summary>
public sealed class AuditRecordedConsumer(PocIdentityDbContext db, AuditChainKey key) : IdempotentBatchConsumer<AuditRecorded, PocIdentityDbContext>(db)
{
    /// <summary>
    /// Up to 100 records a batch, written at the latest 50 ms after the first of them arrived; one batch at a
    /// time in each replica (the chain takes appends one at a time anyway).
    /// </summary>
    public static void Options(BatchOptions options) =>
        options.SetMessageLimit(100).SetTimeLimit(TimeSpan.FromMilliseconds(50)).SetConcurrencyLimit(1);

    protected override Task HandleAsync(IReadOnlyList<ConsumeContext<AuditRecorded>> messages, CancellationToken cancellationToken) =>
        AuditLog.AppendAsync(Db, messages.Select(m => (m.Message, Sender(m))).ToList(), key.Bytes, cancellationToken);

    private static string? Sender(ConsumeContext message) => message.Host is { } host ? $"{host.Assembly} on {host.MachineName}" : null;
}
