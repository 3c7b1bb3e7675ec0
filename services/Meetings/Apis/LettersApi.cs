using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Security;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Invitations;
using PocDirectory.Meetings.Letters;
using PocDirectory.Meetings.Missions;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Apis;

/// <summary>A letter in a list: what it is, when, and whether the public sees it.</summary>
public sealed record LetterSummary(Guid Id, string Date, string Subject, bool IsPublic, string Status, DateTimeOffset? SentAt);

/// <summary>
/// A sending names the revision of the letter that was read: what goes out is what was read. With
/// <see cref="PointsOfContact"/>, every point of contact of the directory gets it too.
/// </summary>
public sealed record SendingRequest(int? Revision, bool? PointsOfContact = null);

/// <summary>What became of the letter at one mission's address.</summary>
public sealed record RecipientView(string State, string MissionName, string? Email, string Status, string? Reason, DateTimeOffset? StatusAt, DateTimeOffset? AcknowledgedAt);

/// <summary>
/// The missions, the copies sent, undeliverable and without an address, the missions that acknowledged receipt; whether
/// the points of contact got it too, and how many of them (once the Directory has said).
/// </summary>
public sealed record DeliveryCounts(int Missions, int Sent, int Undeliverable, int NoAddress, int Acknowledged, bool PointsOfContact = false, int? PointsOfContactReached = null);

/// <summary>A mission's acknowledgement, with the secret of the link its copy of the letter carried.</summary>
public sealed record AcknowledgementRequest(string? Token);

/// <summary>What was acknowledged: the letter and the mission.</summary>
public sealed record AcknowledgementView(Guid LetterId, string Subject, string Date, string MissionName, DateTimeOffset AcknowledgedAt);

/// <summary>
/// A letter: its whole text (as sent, or as it would be sent), its parts (for the Chair's office to edit
/// a draft), and, for the Chair's office and the directory manager, what became of it at each mission.
/// </summary>
public sealed record LetterView(
    Guid Id, string Date, string Subject, bool IsPublic, string Status, DateTimeOffset? SentAt, string Text, LetterRequest? Parts,
    DeliveryCounts? Delivery, IReadOnlyList<RecipientView>? Recipients, int Revision);

/// <summary>
/// The Chair's letters to every Permanent Mission. Public letters are read by anyone, the others by
/// signed-in people; the Chair's office (and the directory manager) writes drafts and sends them.
/// Sending e-mails each mission's addresses once, through Notifications, in the transaction that marks
/// the letter sent: a repeat of the request is refused, a redelivery sends nothing twice.
/// </summary>
public static class LettersApi
{
    public static void MapLettersApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/meetings/letters").WithTags("Letters");
        api.MapGet("/", ListAsync).AllowAnonymousReadingToken().NotAudited("the letters' archive: no contact data")
            .WithSummary("Sent letters (public ones without a token; all for signed-in people; drafts too for the Chair's office)").Produces<List<LetterSummary>>();
        api.MapGet("/{id:guid}", LetterAsync).AllowAnonymousReadingToken().NotAudited("a letter: no contact data")
            .WithSummary("A letter as sent (the Chair's office also sees each mission's delivery)").Produces<LetterView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/", WriteAsync).AuditedByHandler("letter.drafted")
            .WithSummary("Write a draft letter (Chair's office)").Produces<LetterView>(StatusCodes.Status201Created).ProducesValidationProblem();
        api.MapPut("/{id:guid}", ChangeAsync).AuditedByHandler("letter.changed")
            .WithSummary("Change a draft letter (Chair's office)").Produces<LetterView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/sending", SendAsync).AuditedByHandler("letter.sent")
            .WithSummary("Send a draft to every Permanent Mission (Chair's office); once").Produces<LetterView>().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/acknowledgements", AcknowledgeAsync).AllowAnonymous().AuditedByHandler("letter.acknowledged")
            .WithSummary("A mission acknowledges receipt, with its copy's link (no sign-in: the link's secret is the credential)")
            .Produces<AcknowledgementView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
    }

    /// <summary>The actor of an acknowledgement: whoever holds a copy's link (no sign-in is read).</summary>
    private const string LinkActor = "letter-link";

    /// <summary>
    /// A mission acknowledges receipt through the link in its copy: every copy of its State is marked, once. The link
    /// works again only to say it was done (410), so that a second click, or a colleague's, tells the truth.
    /// </summary>
    private static async Task<IResult> AcknowledgeAsync(AcknowledgementRequest? request, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (request?.Token is not { Length: > 20 and < 100 } token)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = ["Give the token of the link in the letter's e-mail."] },
                title: "The acknowledgement cannot be read.");
        }
        var hash = OneTimeTokens.Hash(token);
        var copy = await db.LetterRecipients.AsNoTracking().SingleOrDefaultAsync(r => r.AcknowledgementHash == hash, ct);
        var letter = copy is null ? null : await db.Letters.AsNoTracking().SingleAsync(l => l.Id == copy.LetterId, ct);
        if (copy is null || letter is null)
        {
            // Guesses leave their trace too: the address they came from is in the record.
            db.AddAuditRecord(ResourceNames.Meetings, "letter.acknowledged", AuditOutcomes.Failure, http, actor: LinkActor, detail: "an unknown link");
            await db.SaveChangesAsync(ct);
            return TypedResults.Problem(title: "This link is not known.", detail: "Open the link exactly as it was e-mailed.", statusCode: StatusCodes.Status404NotFound);
        }
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // One statement: two clicks at once mark the mission once, and the second is told it was done.
        var marked = await db.LetterRecipients.Where(r => r.LetterId == copy.LetterId && r.State == copy.State && r.AcknowledgedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.AcknowledgedAt, now), ct);
        if (marked == 0)
        {
            var at = await db.LetterRecipients.AsNoTracking().Where(r => r.LetterId == copy.LetterId && r.State == copy.State && r.AcknowledgedAt != null)
                .Select(r => r.AcknowledgedAt).FirstAsync(ct);
            db.AddAuditRecord(ResourceNames.Meetings, "letter.acknowledged", AuditOutcomes.Failure, http, actor: LinkActor, target: letter.Id.ToString(),
                state: copy.State, detail: $"acknowledged before; the link of copy {copy.EmailId}");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return TypedResults.Problem(title: "Receipt was acknowledged already.",
                detail: $"The {copy.MissionName} acknowledged receipt on {at!.Value.UtcDateTime.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)}: nothing more is needed.",
                statusCode: StatusCodes.Status410Gone);
        }
        // Whoever holds the link acts: which copy's link it was is kept, so that a forwarded link can be traced.
        db.AddAuditRecord(ResourceNames.Meetings, "letter.acknowledged", AuditOutcomes.Success, http, actor: LinkActor, target: letter.Id.ToString(),
            state: copy.State, detail: $"the link of copy {copy.EmailId}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new AcknowledgementView(letter.Id, letter.Subject, IsoDate(letter.Date), copy.MissionName, now));
    }

    /// <summary>The e-mail template Notifications renders a letter with.</summary>
    public const string Template = LetterDispatch.Template;

    private static IResult NoLetter() =>
        TypedResults.Problem(title: "No such letter.", detail: "No letter with this id is visible to you.", statusCode: StatusCodes.Status404NotFound);

    private static bool Writes(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && MeetingsApi.Schedules(Caller.From(user));

    private static bool Visible(Letter letter, ClaimsPrincipal user) =>
        letter.Status == LetterStatuses.Sent ? letter.IsPublic || Problems.SignedInPerson(user) : Writes(user);

    private static string IsoDate(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        var writes = Writes(user);
        var signedIn = Problems.SignedInPerson(user);
        var letters = await db.Letters.AsNoTracking()
            .Where(l => l.Status == LetterStatuses.Sent ? l.IsPublic || signedIn : writes)
            .OrderByDescending(l => l.Date).ThenByDescending(l => l.CreatedAt)
            .Select(l => new { l.Id, l.Date, l.Subject, l.IsPublic, l.Status, l.SentAt })
            .ToListAsync(ct);
        return TypedResults.Ok(letters.Select(l => new LetterSummary(l.Id, IsoDate(l.Date), l.Subject, l.IsPublic, l.Status, l.SentAt)).ToList());
    }

    private static async Task<List<Meeting>> AnnexAsync(MeetingsDbContext db, Letter letter, CancellationToken ct) =>
        letter.AnnexMeetings.Count == 0 ? [] : await db.Meetings.AsNoTracking().Where(m => letter.AnnexMeetings.Contains(m.Id)).ToListAsync(ct);

    private static async Task<LetterView> ViewAsync(MeetingsDbContext db, Letter letter, bool writes, CancellationToken ct)
    {
        var text = letter.Text ?? LetterText.Compose(letter, await AnnexAsync(db, letter, ct));
        List<RecipientView>? recipients = null;
        DeliveryCounts? counts = null;
        if (writes && letter.Status == LetterStatuses.Sent)
        {
            recipients = await db.LetterRecipients.AsNoTracking().Where(r => r.LetterId == letter.Id)
                .OrderBy(r => r.MissionName).ThenBy(r => r.Email)
                .Select(r => new RecipientView(r.State, r.MissionName, r.Email, r.Status, r.Reason, r.StatusAt, r.AcknowledgedAt))
                .ToListAsync(ct);
            counts = new DeliveryCounts(recipients.Select(r => r.State).Distinct().Count(), recipients.Count(r => r.Status == RecipientStatuses.Sent),
                recipients.Count(r => r.Status == RecipientStatuses.Undeliverable), recipients.Count(r => r.Status == RecipientStatuses.NoAddress),
                recipients.Where(r => r.AcknowledgedAt is not null).Select(r => r.State).Distinct().Count(), letter.ToPointsOfContact, letter.PointsOfContactReached);
        }
        var parts = writes && letter.Status == LetterStatuses.Draft
            ? new LetterRequest(IsoDate(letter.Date), letter.Subject, letter.Body, letter.Salutation, letter.Closing, letter.Signature, letter.Addressees,
                letter.Enclosure, letter.AnnexMeetings, letter.AnnexTitle, letter.IsPublic, letter.Revision)
            : null;
        return new LetterView(letter.Id, IsoDate(letter.Date), letter.Subject, letter.IsPublic, letter.Status, letter.SentAt, text, parts, counts, recipients, letter.Revision);
    }

    private static async Task<IResult> LetterAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        var letter = await db.Letters.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ct);
        return letter is not null && Visible(letter, user) ? TypedResults.Ok(await ViewAsync(db, letter, Writes(user), ct)) : NoLetter();
    }

    /// <summary>The annex's meetings that exist, each with whether it is on the public schedule.</summary>
    private static async Task<Dictionary<Guid, bool>> KnownMeetingsAsync(MeetingsDbContext db, LetterRequest request, CancellationToken ct)
    {
        var asked = (request.AnnexMeetings ?? []).Distinct().Take(LetterRequest.MaxAnnexMeetings + 1).ToList();
        return asked.Count == 0 ? [] : await db.Meetings.AsNoTracking().Where(m => asked.Contains(m.Id))
            .ToDictionaryAsync(m => m.Id, m => m.Audience.Contains(Audiences.Public), ct);
    }

    private static async Task<IResult> WriteAsync(LetterRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (!Writes(user))
        {
            return Problems.NotAllowed("Letters are written by the Chair's office.");
        }
        request ??= new LetterRequest(null, null, null);
        var now = clock.GetUtcNow();
        var letter = new Letter { CreatedAt = now, UpdatedAt = now };
        try
        {
            request.ApplyTo(letter, isNew: true, await KnownMeetingsAsync(db, request, ct));
        }
        catch (FieldErrorsException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors, title: "The letter cannot be saved so.");
        }
        db.Letters.Add(letter);
        db.AddAuditRecord(ResourceNames.Meetings, "letter.drafted", AuditOutcomes.Success, http, target: letter.Id.ToString());
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/meetings/letters/{letter.Id}", await ViewAsync(db, letter, writes: true, ct));
    }

    private static IResult AlreadySent() => Problems.Conflict("The letter has been sent.", "A sent letter is kept as the missions received it: write a new one.");

    private static async Task<IResult> ChangeAsync(Guid id, LetterRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (!Writes(user))
        {
            return Problems.NotAllowed("Letters are written by the Chair's office.");
        }
        request ??= new LetterRequest(null, null, null);
        var letter = await db.Letters.SingleOrDefaultAsync(l => l.Id == id, ct);
        if (letter is null)
        {
            return NoLetter();
        }
        if (letter.Status == LetterStatuses.Sent)
        {
            return AlreadySent();
        }
        if (request.Revision is { } revision && revision != letter.Revision)
        {
            return Problems.Conflict("The letter has changed since you read it.", $"You changed revision {revision}; it is at revision {letter.Revision} now.");
        }
        try
        {
            request.ApplyTo(letter, isNew: false, await KnownMeetingsAsync(db, request, ct));
        }
        catch (FieldErrorsException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors, title: "The letter cannot be saved so.");
        }
        letter.Revision++;
        letter.UpdatedAt = clock.GetUtcNow();
        db.AddAuditRecord(ResourceNames.Meetings, "letter.changed", AuditOutcomes.Success, http, target: letter.Id.ToString());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("The letter has changed since you read it.", "Someone changed or sent it at the same moment. Read it again.");
        }
        return TypedResults.Ok(await ViewAsync(db, letter, writes: true, ct));
    }

    private static async Task<IResult> SendAsync(
        Guid id, SendingRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!Writes(user))
        {
            return Problems.NotAllowed("Letters are sent by the Chair's office.");
        }
        var letter = await db.Letters.SingleOrDefaultAsync(l => l.Id == id, ct);
        if (letter is null)
        {
            return NoLetter();
        }
        if (letter.Status == LetterStatuses.Sent)
        {
            return AlreadySent();
        }
        if (request?.Revision is not { } revision)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["revision"] = ["Give the revision of the letter you read, so that what goes out is what you read."],
            }, title: "The letter cannot be sent so.");
        }
        if (revision != letter.Revision)
        {
            return Problems.Conflict("The letter has changed since you read it.", $"You read revision {revision}; it is at revision {letter.Revision} now. Read it again before sending it.");
        }
        var list = await MissionList.LoadAsync(db, ct);
        if (!list.Complete)
        {
            return Problems.Conflict("The list of States is not complete yet.", list.IncompleteDetail("a letter"));
        }
        if (!list.AnyAddress)
        {
            return Problems.Conflict("No mission has an address.", "Give the Permanent Missions their official addresses (the Missions page, or a CSV import) before sending a letter.");
        }
        var annex = await AnnexAsync(db, letter, ct);
        if (letter.IsPublic && annex.FirstOrDefault(m => !m.IsPublic) is { } closed)
        {
            return Problems.Conflict("A public letter would show a meeting that is not public.",
                $"'{closed.Title}' is not on the public schedule: make the letter not public, or take the meeting out of its annex.");
        }
        var now = clock.GetUtcNow();
        letter.Text = LetterText.Compose(letter, annex);
        letter.Status = LetterStatuses.Sent;
        letter.SentAt = now;
        letter.SentBy = Caller.From(user).Subject;
        letter.Revision++;
        letter.UpdatedAt = now;
        var web = AuthenticationExtensions.WebUrl(configuration);
        var (emails, reached) = LetterDispatch.Send(db, letter, list, web, now);
        if (request?.PointsOfContact == true)
        {
            PointsOfContactMail.Letter(db, letter, web is null ? "" : $"{web}/letters/{letter.Id}");
        }
        db.AddAuditRecord(ResourceNames.Meetings, "letter.sent", AuditOutcomes.Success, http, target: letter.Id.ToString(),
            detail: $"{emails} e-mails to {reached} missions; {list.States.Count - reached} without an address{(letter.ToPointsOfContact ? "; and to every point of contact" : "")}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Sent or changed by someone else at the same moment: say which.
            var current = await db.Letters.AsNoTracking().Where(l => l.Id == id).Select(l => l.Status).SingleAsync(ct);
            return current == LetterStatuses.Sent ? AlreadySent()
                : Problems.Conflict("The letter has changed since you read it.", "Someone changed it at the same moment. Read it again before sending it.");
        }
        return TypedResults.Ok(await ViewAsync(db, letter, writes: true, ct));
    }
}
