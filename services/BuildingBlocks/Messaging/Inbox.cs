using Microsoft.EntityFrameworkCore;

namespace PocDirectory.BuildingBlocks.Messaging;

/// <summary>The inbox's claim, the one statement both idempotent consumers run.</summary>
internal static class Inbox
{
    /// <summary>
    /// Claims the inbox rows of <paramref name="messageIds"/> for <paramref name="consumer"/> in the current transaction
    /// and returns the ids claimed now: the messages not applied before. The rows go in in one order, so two claims that
    /// share a message (a redelivery) never wait on each other in a circle; a concurrent duplicate blocks on the primary
    /// key until the other transaction ends, then inserts nothing.
    /// </summary>
    public static async Task<HashSet<Guid>> ClaimAsync(DbContext db, IEnumerable<Guid> messageIds, string consumer, CancellationToken cancellationToken)
    {
        var distinct = messageIds.Distinct().Order().ToArray();
        return (await db.Database.SqlQuery<Guid>($"""
            INSERT INTO inbox_messages (message_id, consumer, processed_at)
            SELECT id, {consumer}, now() FROM unnest({distinct}) AS id
            ON CONFLICT DO NOTHING
            RETURNING message_id AS "Value"
            """).ToListAsync(cancellationToken)).ToHashSet();
    }
}
