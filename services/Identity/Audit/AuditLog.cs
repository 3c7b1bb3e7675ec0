using Microsoft.EntityFrameworkCore;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Audit;

/// <summary>What verification found: the records read, and the first one that does not match, if any.</summary>
public sealed record AuditVerification(long Records, long? BrokenAt, string? Problem)
{
    public bool Intact => BrokenAt is null;
}

/// <summary>Appends to the hash-chained audit log and verifies it.</summary>
public static class AuditLog
{
    /// <summary>
    /// Appends one record after the current last, inside the caller's transaction. Appends are taken
    /// one at a time (a transaction-scoped advisory lock), so the chain never forks across replicas.
    /// </summary>
    public static async Task AppendAsync(PocIdentityDbContext db, AuditRecorded record, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7301002)", ct);
        var last = await db.AuditLog.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        db.AuditLog.Add(AuditEntry.Create(record, (last?.Sequence ?? 0) + 1, last?.Hash ?? AuditEntry.Genesis));
    }

    /// <summary>Recomputes every hash in order; reports the first record whose number, link or content does not match.</summary>
    public static async Task<AuditVerification> VerifyAsync(PocIdentityDbContext db, CancellationToken ct)
    {
        long count = 0;
        var previous = AuditEntry.Genesis;
        await foreach (var entry in db.AuditLog.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            if (entry.Sequence != count)
            {
                return new AuditVerification(count, entry.Sequence, $"record {count} is missing (next is {entry.Sequence})");
            }
            if (!entry.PreviousHash.AsSpan().SequenceEqual(previous))
            {
                return new AuditVerification(count, entry.Sequence, $"record {entry.Sequence} does not follow record {entry.Sequence - 1}");
            }
            if (!entry.ComputeHash().AsSpan().SequenceEqual(entry.Hash))
            {
                return new AuditVerification(count, entry.Sequence, $"record {entry.Sequence} was altered after it was written");
            }
            previous = entry.Hash;
        }
        return new AuditVerification(count, null, null);
    }
}
