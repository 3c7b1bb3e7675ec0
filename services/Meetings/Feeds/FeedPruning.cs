using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Meetings.Apis;
using PocDirectory.Meetings.Infrastructure;

namespace PocDirectory.Meetings.Feeds;

/// <summary>
/// Forgets what the calendar feeds no longer need, every hour (<c>Meetings:FeedPruneMinutes</c>): a feed once it
/// has been expired for <see cref="ExpiredKept"/>, and a person's last revocation once no feed made with a token
/// issued before it can still work (the feeds' lifetime, and a day for the tokens that could still make one) and
/// no such feed is kept at all (a lifetime set shorter since does not free a feed made under the longer one).
/// Each is one statement: replicas running it at the same moment delete each row once, and nothing is missed
/// after a restart.
/// </summary>
public sealed class FeedPruning(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<FeedPruning> logger)
    : DeadlineWorker(clock, logger)
{
    /// <summary>How long an expired feed is kept (a reader of an ended address is told it ended, not that it never was).</summary>
    public static readonly TimeSpan ExpiredKept = TimeSpan.FromDays(30);

    /// <summary>Beyond the feeds' lifetime, the longest a token issued before a revocation could still make a feed (sessions end in 12 hours).</summary>
    public static readonly TimeSpan TokenMargin = TimeSpan.FromDays(1);

    protected override int Batch => int.MaxValue; // one round deletes everything due

    protected override TimeSpan Interval => TimeSpan.FromMinutes(configuration.GetValue("Meetings:FeedPruneMinutes", 60));

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var now = Clock.GetUtcNow();
        var expiredBefore = now - ExpiredKept;
        var revokedBefore = now - FeedsApi.Lifetime(configuration) - TokenMargin;
        var feeds = await db.Feeds.Where(f => f.ExpiresAt < expiredBefore).ExecuteDeleteAsync(ct);
        // And never while a feed made before it is still kept (one made under a longer lifetime set before): the revocation is what refuses it.
        var revocations = await db.RevokedSubjects
            .Where(r => r.RevokedAt < revokedBefore && !db.Feeds.Any(f => f.Subject == r.Subject && f.GrantedAt <= r.RevokedAt))
            .ExecuteDeleteAsync(ct);
        return feeds + revocations;
    }
}
