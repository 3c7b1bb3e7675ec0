using Microsoft.EntityFrameworkCore;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Audit;

/// <summary>What verification found: the records read, the checkpoints that agree, and the first problem, if any.</summary>
public sealed record AuditVerification(long Records, long? BrokenAt, string? Problem, int Checkpoints = 0, AuditCheckpoint? Newest = null)
{
    public bool Intact => Problem is null;

    /// <summary>Held against at least one checkpoint outside the database; without one, a log cut at its end or rewritten whole cannot show.</summary>
    public bool Anchored => Intact && Checkpoints > 0;
}

/// <summary>Appends to the keyed, chained audit log and verifies it, against its checkpoints outside the database too.</summary>
public static class AuditLog
{
    /// <summary>
    /// Appends records after the current last, in the order given, each chained to the one before,
    /// inside the caller's transaction. Appends are taken one at a time (a transaction-scoped advisory
    /// lock), so the chain never forks across replicas; a batch takes the lock and reads the last
    /// record once. Only Identity's consumer of <see cref="AuditRecorded"/> calls this.
    /// </summary>
    public static async Task AppendAsync(PocIdentityDbContext db, IReadOnlyList<(AuditRecorded Record, string? Sender)> records, byte[] key, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return;
        }
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7301002)", ct);
        var last = await db.AuditLog.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        var sequence = last?.Sequence ?? 0;
        var previous = last?.Hash ?? AuditEntry.Genesis;
        foreach (var (record, sender) in records)
        {
            var entry = AuditEntry.Create(record, ++sequence, previous, key, sender);
            db.AuditLog.Add(entry);
            previous = entry.Hash;
        }
    }

    /// <summary>The newest record's number and hash, and the first keyed record's number (0: none yet): what a checkpoint keeps.</summary>
    public static async Task<(long Sequence, byte[] Hash, long KeyedFrom)?> HeadAsync(PocIdentityDbContext db, CancellationToken ct)
    {
        var last = await db.AuditLog.AsNoTracking().OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        if (last is null)
        {
            return null;
        }
        var keyedFrom = await db.AuditLog.AsNoTracking().Where(e => e.Chain == AuditEntry.Keyed).OrderBy(e => e.Sequence)
            .Select(e => (long?)e.Sequence).FirstOrDefaultAsync(ct);
        return (last.Sequence, last.Hash, keyedFrom ?? 0);
    }

    /// <summary>
    /// Recomputes every hash in order and reports the first record whose number, link, content or key
    /// does not match; then holds the log against every checkpoint written outside the database: each
    /// must be signed with the key, name a record the log still has with the hash it had, and no
    /// record from a checkpoint's first keyed one on may be unkeyed. A log cut after a checkpoint, or
    /// rewritten without the key, does not verify.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(PocIdentityDbContext db, byte[] key, AuditCheckpointFile file, CancellationToken ct)
    {
        IReadOnlyList<AuditCheckpoint> checkpoints;
        try
        {
            checkpoints = file.ReadAll();
        }
        catch (InvalidDataException ex)
        {
            return new AuditVerification(0, null, $"the checkpoint file cannot be read ({ex.Message})");
        }
        return await VerifyAsync(db, key, checkpoints, ct);
    }

    public static async Task<AuditVerification> VerifyAsync(PocIdentityDbContext db, byte[] key, IReadOnlyList<AuditCheckpoint> checkpoints, CancellationToken ct)
    {
        foreach (var checkpoint in checkpoints)
        {
            if (!checkpoint.IsSignedWith(key))
            {
                return new AuditVerification(0, checkpoint.Sequence, $"the checkpoint of {checkpoint.At:u} is not signed with the chain key");
            }
        }
        var wanted = checkpoints.GroupBy(c => c.Sequence).ToDictionary(g => g.Key, g => g.ToList());
        var keyedFrom = checkpoints.Where(c => c.KeyedFrom > 0).Select(c => c.KeyedFrom).DefaultIfEmpty(long.MaxValue).Min();
        long count = 0;
        var previous = AuditEntry.Genesis;
        var sawKeyed = false;
        await foreach (var entry in db.AuditLog.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            if (entry.Sequence != count)
            {
                return new AuditVerification(count, entry.Sequence, $"record {count} is missing (next is {entry.Sequence})");
            }
            if (entry.Chain != AuditEntry.Keyed && sawKeyed)
            {
                return new AuditVerification(count, entry.Sequence, $"record {entry.Sequence} is not keyed, though records before it were: it was rewritten without the key");
            }
            if (entry.Chain != AuditEntry.Keyed && entry.Sequence >= keyedFrom)
            {
                return new AuditVerification(count, entry.Sequence,
                    $"record {entry.Sequence} is not keyed, though a checkpoint saw the log keyed from record {keyedFrom}: it was rewritten without the key");
            }
            sawKeyed |= entry.Chain == AuditEntry.Keyed;
            if (!entry.PreviousHash.AsSpan().SequenceEqual(previous))
            {
                return new AuditVerification(count, entry.Sequence, $"record {entry.Sequence} does not follow record {entry.Sequence - 1}");
            }
            if (!entry.ComputeHash(key).AsSpan().SequenceEqual(entry.Hash))
            {
                return new AuditVerification(count, entry.Sequence, $"record {entry.Sequence} was altered after it was written, or written without the key");
            }
            if (wanted.TryGetValue(entry.Sequence, out var seen) && seen.FirstOrDefault(c => !c.HashBytes.AsSpan().SequenceEqual(entry.Hash)) is { } differs)
            {
                return new AuditVerification(count, entry.Sequence, $"record {entry.Sequence} is not the one the checkpoint of {differs.At:u} saw");
            }
            previous = entry.Hash;
        }
        var newest = checkpoints.MaxBy(c => c.Sequence);
        if (newest is not null && newest.Sequence > count)
        {
            return new AuditVerification(count, count + 1,
                $"the log ends at record {count}, but on {newest.At:u} it held record {newest.Sequence}: records after {count} were removed");
        }
        return new AuditVerification(count, null, null, checkpoints.Count, checkpoints.MaxBy(c => c.At));
    }
}
