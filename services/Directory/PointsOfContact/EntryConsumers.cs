using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Infrastructure;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>
/// Keeps the entries from Nominations' events. Each applies at most once (inbox) and only if newer than
/// the entry (by version), so a redelivered, duplicated or late message changes nothing. Every change
/// gets the next number of the changes feed and, once committed, a new directory generation.
/// </summary>
public abstract class EntryConsumer<TMessage>(DirectoryDbContext db, DirectoryGeneration generation)
    : IdempotentConsumer<TMessage, DirectoryDbContext>(db)
    where TMessage : class
{
    private long? _committed;

    /// <summary>Serializes writers of the feed so that numbers are taken in commit order.</summary>
    protected async Task LockFeedAsync(CancellationToken ct) =>
        await Db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({FeedLock})", ct);

    protected async Task RecordAsync(PocEntry entry, PocEntryVersion version, CancellationToken ct)
    {
        var change = new PocChange { PocId = entry.PocId, State = entry.State, Version = entry.Version, Kind = version.Kind, At = version.At };
        Db.Changes.Add(change);
        Db.EntryVersions.Add(version);
        await Db.SaveChangesAsync(ct); // numbers the change
        entry.ChangeSequence = change.Sequence;
        _committed = change.Sequence;
    }

    protected override async Task AfterCommitAsync(TMessage message, CancellationToken cancellationToken)
    {
        if (_committed is { } sequence)
        {
            await generation.AdvanceAsync(sequence);
        }
    }

    public const long FeedLock = 0x706f6366656564; // "pocfeed"
}

public sealed class PointOfContactApprovedConsumer(DirectoryDbContext db, DirectoryGeneration generation)
    : EntryConsumer<PointOfContactApproved>(db, generation)
{
    protected override async Task HandleAsync(PointOfContactApproved message, CancellationToken ct)
    {
        await LockFeedAsync(ct);
        var entry = await Db.Entries.SingleOrDefaultAsync(e => e.PocId == message.PocId, ct);
        if (entry is not null && entry.Version >= message.Version)
        {
            return; // this version, or a later one, is already applied
        }
        var before = entry?.Details;
        if (entry is null)
        {
            entry = new PocEntry { PocId = message.PocId, State = message.State, ListedAt = message.ApprovedAt };
            Db.Entries.Add(entry);
        }
        entry.Version = message.Version;
        entry.Status = EntryStatus.Listed;
        entry.Details = message.Details;
        entry.UpdatedAt = message.ApprovedAt;
        entry.WithdrawnAt = null;
        await RecordAsync(entry, new PocEntryVersion
        {
            PocId = message.PocId,
            Version = message.Version,
            Kind = before is null ? ChangeKinds.Listed : ChangeKinds.Changed,
            Details = message.Details,
            ChangedFields = before is null ? null : string.Join(", ", PocChanges.Fields(before, message.Details)),
            NominationId = message.NominationId,
            SubmittedBy = message.SubmittedBy,
            Actor = message.ApprovedBy,
            At = message.ApprovedAt,
        }, ct);
    }
}

public sealed class PointOfContactWithdrawnConsumer(DirectoryDbContext db, DirectoryGeneration generation)
    : EntryConsumer<PointOfContactWithdrawn>(db, generation)
{
    protected override async Task HandleAsync(PointOfContactWithdrawn message, CancellationToken ct)
    {
        await LockFeedAsync(ct);
        var entry = await Db.Entries.SingleOrDefaultAsync(e => e.PocId == message.PocId, ct);
        if (entry is not null && entry.Version >= message.Version)
        {
            return;
        }
        if (entry is null)
        {
            // The withdrawal overtook the listing: keep it, so the late listing (an older version) is ignored.
            entry = new PocEntry { PocId = message.PocId, State = message.State, ListedAt = message.WithdrawnAt };
            Db.Entries.Add(entry);
        }
        entry.Version = message.Version;
        entry.Status = EntryStatus.Withdrawn;
        entry.UpdatedAt = message.WithdrawnAt;
        entry.WithdrawnAt = message.WithdrawnAt;
        await RecordAsync(entry, new PocEntryVersion
        {
            PocId = message.PocId,
            Version = message.Version,
            Kind = ChangeKinds.Withdrawn,
            Actor = message.WithdrawnBy,
            Reason = message.Reason,
            At = message.WithdrawnAt,
        }, ct);
    }
}
