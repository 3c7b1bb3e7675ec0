using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Security;
using PocDirectory.Contracts.Audit;
using PocDirectory.Meetings.Feeds;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Apis;

/// <summary>A person's feed, as its owner sees it: the secret address only when it is made.</summary>
public sealed record FeedView(
    bool Exists, DateTimeOffset? CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastReadAt, bool All, IReadOnlyList<string> Audiences, string? Url);

/// <summary>
/// Personal calendar feeds: a signed-in person makes one (<c>POST /api/meetings/feed</c>; the address, with its
/// secret, is shown once), sees whether one exists, and revokes it; a calendar application reads it without a
/// token at <c>GET /api/meetings/feed.ics?token=…</c> (the secret in the query, which traces do not record).
/// What it holds is worked out at each read from the roles it was made with; it ends with the person's access
/// (a revocation after the token it was made with was issued), or after its lifetime.
/// </summary>
public static class FeedsApi
{
    public static TimeSpan Lifetime(IConfiguration configuration) =>
        TimeSpan.TryParse(configuration["Meetings:FeedLifetime"], CultureInfo.InvariantCulture, out var lifetime) && lifetime > TimeSpan.Zero
            ? lifetime : TimeSpan.FromDays(180);

    public static void MapFeedsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/meetings").WithTags("Calendar feeds");
        api.MapGet("/feed", ShowAsync).NotAudited("whether the caller has a feed")
            .WithSummary("Whether the signed-in person has a calendar feed, and what it holds").Produces<FeedView>();
        api.MapPost("/feed", CreateAsync).AuditedByHandler("feed.created")
            .WithSummary("Make the signed-in person's calendar feed (replacing any earlier one); its address is shown once")
            .Produces<FeedView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/feed", RevokeAsync).AuditedByHandler("feed.revoked")
            .WithSummary("Revoke the signed-in person's calendar feed (none afterwards, whether there was one or not)").Produces(StatusCodes.Status204NoContent);
        api.MapGet("/feed.ics", ReadAsync).AllowAnonymous().NotAudited("a calendar feed: the meetings of its audiences, no contact data")
            .WithSummary("A personal calendar feed, by its secret (no token)").Produces<string>(contentType: "text/calendar").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult? Refusal(ClaimsPrincipal user) =>
        Problems.SignedInPerson(user) ? null : Problems.NotAllowed("A calendar feed is a signed-in person's own.");

    private static async Task<(bool All, List<string> Audiences)> HoldsAsync(MeetingsDbContext db, CalendarFeed feed, CancellationToken ct) =>
        CalendarFeed.For(feed.Roles, feed.State is { } code ? await db.MemberStates.AsNoTracking().SingleOrDefaultAsync(s => s.Iso3 == code, ct) : null);

    /// <summary>The feeds that work at <paramref name="now"/>: not expired, and made with a token issued after their owner's last revocation.</summary>
    private static IQueryable<CalendarFeed> Working(MeetingsDbContext db, DateTimeOffset now) =>
        db.Feeds.AsNoTracking().Where(f => f.ExpiresAt > now && !db.RevokedSubjects.Any(r => r.Subject == f.Subject && r.RevokedAt >= f.GrantedAt));

    private static async Task<IResult> ShowAsync(ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (Refusal(user) is { } refusal)
        {
            return refusal;
        }
        var subject = Caller.From(user).Subject;
        var now = clock.GetUtcNow();
        var feed = await Working(db, now).SingleOrDefaultAsync(f => f.Subject == subject, ct);
        if (feed is null)
        {
            return TypedResults.Ok(new FeedView(false, null, null, null, false, [], null));
        }
        var (all, audiences) = await HoldsAsync(db, feed, ct);
        return TypedResults.Ok(new FeedView(true, feed.CreatedAt, feed.ExpiresAt, feed.LastReadAt, all, audiences, null));
    }

    /// <summary>When the caller's access token was issued (its <c>iat</c>), or null for a token that does not say.</summary>
    private static DateTimeOffset? IssuedAt(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue("iat"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    private static async Task<IResult> CreateAsync(ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (Refusal(user) is { } refusal)
        {
            return refusal;
        }
        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        // A token issued before the person's access was last revoked makes nothing, even while the revocation is still on its way;
        // one that does not say when it was issued makes nothing either.
        if (IssuedAt(user) is not { } granted
            || await db.RevokedSubjects.AsNoTracking().AnyAsync(r => r.Subject == caller.Subject && r.RevokedAt >= granted, ct))
        {
            return Problems.NotAllowed("Your access has changed since you signed in: sign in again.");
        }
        var token = OneTimeTokens.New();
        var feed = new CalendarFeed
        {
            Subject = caller.Subject, TokenHash = OneTimeTokens.Hash(token), Roles = [.. caller.Roles.Order(StringComparer.Ordinal)], State = caller.State,
            CreatedAt = now, GrantedAt = granted, ExpiresAt = now + Lifetime(configuration),
        };
        // One per person: the earlier address stops working in the same transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var replaced = await db.Feeds.Where(f => f.Subject == caller.Subject).ExecuteDeleteAsync(ct);
        db.Feeds.Add(feed);
        var (all, audiences) = await HoldsAsync(db, feed, ct);
        db.AddAuditRecord(ResourceNames.Meetings, "feed.created", AuditOutcomes.Success, http, target: feed.Id.ToString(),
            detail: (all ? "every meeting" : string.Join(", ", audiences)) + (replaced > 0 ? "; the earlier feed revoked" : ""));
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("Another calendar address was made at the same moment.", "Make a new one again: only the last one works.");
        }
        var url = $"{AuthenticationExtensions.Issuer(configuration)}api/meetings/feed.ics?token={token}";
        return TypedResults.Created("/api/meetings/feed", new FeedView(true, feed.CreatedAt, feed.ExpiresAt, null, all, audiences, url));
    }

    private static async Task<IResult> RevokeAsync(ClaimsPrincipal user, MeetingsDbContext db, HttpContext http, CancellationToken ct)
    {
        if (Refusal(user) is { } refusal)
        {
            return refusal;
        }
        // Revoking is the same whether a feed was there or not: afterwards there is none.
        var subject = Caller.From(user).Subject;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var revoked = await db.Feeds.Where(f => f.Subject == subject).ExecuteDeleteAsync(ct);
        db.AddAuditRecord(ResourceNames.Meetings, "feed.revoked", AuditOutcomes.Success, http, detail: revoked > 0 ? null : "there was none");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ReadAsync(string? token, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var hash = token is { Length: > 20 and < 100 } ? OneTimeTokens.Hash(token) : null;
        var feed = hash is null ? null : await Working(db, now).SingleOrDefaultAsync(f => f.TokenHash == hash, ct);
        if (feed is null)
        {
            return TypedResults.Problem(title: "No such calendar feed.", detail: "This address is unknown, expired or was revoked: make a new one on the Meetings page.",
                statusCode: StatusCodes.Status404NotFound);
        }
        // The owner sees when it was last read, to the hour (one write an hour at most, however often it is polled).
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        if (feed.LastReadAt != hour)
        {
            await db.Feeds.Where(f => f.Id == feed.Id && f.LastReadAt != hour).ExecuteUpdateAsync(set => set.SetProperty(f => f.LastReadAt, hour), ct);
        }
        var (all, audiences) = await HoldsAsync(db, feed, ct);
        var meetings = all
            ? await db.Meetings.AsNoTracking().ToListAsync(ct)
            : await db.Meetings.AsNoTracking().Where(m => m.Audience.Any(a => audiences.Contains(a))).ToListAsync(ct);
        http.Response.Headers.CacheControl = "private, max-age=300";
        return TypedResults.Text(CalendarFiles.Publish(meetings, "My OEWG meetings"), CalendarFiles.ContentType);
    }
}
