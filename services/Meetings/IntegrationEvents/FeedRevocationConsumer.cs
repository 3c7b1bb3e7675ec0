using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Identity;
using PocDirectory.Meetings.Infrastructure;

namespace PocDirectory.Meetings.IntegrationEvents;

/// <summary>A person's access ended (roles changed, account disabled, signed out everywhere): so does the calendar feed made before.</summary>
public sealed class FeedRevocationConsumer(MeetingsDbContext db) : IdempotentConsumer<PrincipalRevoked, MeetingsDbContext>(db)
{
    protected override Task HandleAsync(PrincipalRevoked message, CancellationToken ct) =>
        Db.Feeds.Where(f => f.Subject == message.Subject && f.CreatedAt <= message.RevokedAt).ExecuteDeleteAsync(ct);
}
