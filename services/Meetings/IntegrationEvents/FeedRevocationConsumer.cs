using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Identity;
using PocDirectory.Meetings.Feeds;
using PocDirectory.Meetings.Infrastructure;

namespace PocDirectory.Meetings.IntegrationEvents;

/// <summary>
/// A person's access ended (roles changed, account disabled, signed out everywhere): so does every calendar feed made
/// with a token issued until then, and the moment is kept, so that a feed made meanwhile with such a token is refused too.
/// </summary>
public sealed class FeedRevocationConsumer(MeetingsDbContext db) : IdempotentConsumer<PrincipalRevoked, MeetingsDbContext>(db)
{
    protected override async Task HandleAsync(PrincipalRevoked message, CancellationToken ct)
    {
        await Db.Database.ExecuteSqlAsync($"""
            INSERT INTO revoked_subjects ("Subject", "RevokedAt") VALUES ({message.Subject}, {message.RevokedAt})
            ON CONFLICT ("Subject") DO UPDATE SET "RevokedAt" = GREATEST(revoked_subjects."RevokedAt", EXCLUDED."RevokedAt")
            """, ct);
        await Db.Feeds.Where(f => f.Subject == message.Subject && f.GrantedAt <= message.RevokedAt).ExecuteDeleteAsync(ct);
    }
}
