using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Meetings.Feeds;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Apis;

/// <summary>A person's feed, as its owner sees it: the secret address only when it is made.</summary>
public sealed record FeedView(bool Exists, DateTimeOffset? CreatedAt, bool All, IReadOnlyList<string> Audiences, string? Url);

/// <summary>
/// Personal calendar feeds: a signed-in person makes one (<c>POST /api/meetings/feed</c>; the address, with its
/// secret, is shown once), sees whether one exists, and revokes it; a calendar application reads it without a
/// token at <c>GET /api/meetings/feed.ics?token=…</c> (the secret in the query, which traces do not record).
/// </summary>
public static class FeedsApi
{
    public static void MapFeedsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/meetings").WithTags("Calendar feeds");
        api.MapGet("/feed", ShowAsync).NotAudited("whether the caller has a feed")
            .WithSummary("Whether the signed-in person has a calendar feed, and what it holds").Produces<FeedView>();
        api.MapPost("/feed", CreateAsync).AuditedByHandler("feed.created")
            .WithSummary("Make the signed-in person's calendar feed (replacing any earlier one); its address is shown once").Produces<FeedView>(StatusCodes.Status201Created);
        api.MapDelete("/feed", RevokeAsync).AuditedByHandler("feed.revoked")
            .WithSummary("Revoke the signed-in person's calendar feed (none afterwards, whether there was one or not)").Produces(StatusCodes.Status204NoContent);
        api.MapGet("/feed.ics", ReadAsync).AllowAnonymous().NotAudited("a calendar feed: the meetings of its audiences, no contact data")
            .WithSummary("A personal calendar feed, by its secret (no token)").Produces<string>(contentType: "text/calendar").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult? Refusal(ClaimsPrincipal user) =>
        Problems.SignedInPerson(user) ? null : Problems.NotAllowed("A calendar feed is a signed-in person's own.");

    private static async Task<IResult> ShowAsync(ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        if (Refusal(user) is { } refusal)
        {
            return refusal;
        }
        var subject = Caller.From(user).Subject;
        var feed = await db.Feeds.AsNoTracking().SingleOrDefaultAsync(f => f.Subject == subject, ct);
        return TypedResults.Ok(feed is null ? new FeedView(false, null, false, [], null) : new FeedView(true, feed.CreatedAt, feed.All, feed.Audiences, null));
    }

    private static async Task<IResult> CreateAsync(ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (Refusal(user) is { } refusal)
        {
            return refusal;
        }
        var caller = Caller.From(user);
        var state = caller.State is { } code ? await db.MemberStates.AsNoTracking().SingleOrDefaultAsync(s => s.Iso3 == code, ct) : null;
        var (all, audiences) = CalendarFeed.For(caller, state);
        var token = CalendarFeed.NewToken();
        var feed = new CalendarFeed { Subject = caller.Subject, TokenHash = CalendarFeed.Hash(token), All = all, Audiences = audiences, CreatedAt = clock.GetUtcNow() };
        // One per person: the earlier address stops working in the same transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var replaced = await db.Feeds.Where(f => f.Subject == caller.Subject).ExecuteDeleteAsync(ct);
        db.Feeds.Add(feed);
        db.AddAuditRecord(ResourceNames.Meetings, "feed.created", AuditOutcomes.Success, http, target: feed.Id.ToString(),
            detail: (all ? "every meeting" : string.Join(", ", audiences)) + (replaced > 0 ? "; the earlier feed revoked" : ""));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var url = $"{AuthenticationExtensions.Issuer(configuration)}api/meetings/feed.ics?token={token}";
        return TypedResults.Created("/api/meetings/feed", new FeedView(true, feed.CreatedAt, all, audiences, url));
    }

    private static async Task<IResult> RevokeAsync(ClaimsPrincipal user, MeetingsDbContext db, HttpContext http, CancellationToken ct)
    {
        if (Refusal(user) is { } refusal)
        {
            return refusal;
        }
        // Revoking is the same whether a feed was there or not: afterwards there is none.
        var subject = Caller.From(user).Subject;
        var revoked = await db.Feeds.Where(f => f.Subject == subject).ExecuteDeleteAsync(ct);
        db.AddAuditRecord(ResourceNames.Meetings, "feed.revoked", AuditOutcomes.Success, http, detail: revoked > 0 ? null : "there was none");
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ReadAsync(string? token, MeetingsDbContext db, CancellationToken ct)
    {
        var feed = token is { Length: > 20 and < 100 } ? await db.Feeds.AsNoTracking().SingleOrDefaultAsync(f => f.TokenHash == CalendarFeed.Hash(token), ct) : null;
        if (feed is null)
        {
            return TypedResults.Problem(title: "No such calendar feed.", detail: "This address is unknown or was revoked: make a new one on the Meetings page.",
                statusCode: StatusCodes.Status404NotFound);
        }
        var meetings = feed.All
            ? await db.Meetings.AsNoTracking().ToListAsync(ct)
            : await db.Meetings.AsNoTracking().Where(m => m.Audience.Any(a => feed.Audiences.Contains(a))).ToListAsync(ct);
        return TypedResults.Text(CalendarFiles.Publish(meetings, "My OEWG meetings"), CalendarFiles.ContentType);
    }
}
