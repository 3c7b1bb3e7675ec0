using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Invitations;
using PocDirectory.Meetings.Participants;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Apis;

/// <summary>A meeting as the API shows it: its structured time, the time in the letters' words, and the instants it covers.</summary>
public sealed record MeetingView(
    Guid Id, string Kind, string KindName, string Title, string? Description, string? Format, string? Room,
    IReadOnlyList<string> Audience, string Status, string StatusName, MeetingTimeRequest Time, string When,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, int Sequence, int Revision, DateTimeOffset UpdatedAt,
    bool RegistrationOpen, int? Capacity, int? PerDelegation, bool HasJoinLink, bool? PointsOfContactInvited = null, int? PointsOfContactReached = null)
{
    /// <summary>The meeting with what only the Chair's office and the Secretariat see: whether the points of contact are invited, and how many were e-mailed.</summary>
    public static MeetingView ForScheduler(Meeting m) =>
        From(m) with { PointsOfContactInvited = m.PointsOfContactInvitedAt is not null, PointsOfContactReached = m.PointsOfContactReached };

    public static MeetingView From(Meeting m) => new(
        m.Id, m.Kind, MeetingKinds.DisplayName(m.Kind), m.Title, m.Description, m.Format, m.Room, m.Audience, m.Status,
        MeetingStatuses.DisplayName(m.Status), m.Time.ToRequest(), m.Time.Describe(), m.StartsAt, m.EndsAt, m.Sequence, m.Revision, m.UpdatedAt,
        m.RegistrationOpen, m.Capacity, m.PerDelegation, m.JoinLink is not null);
}

/// <summary>A cancellation names the revision it was decided on, and may say why.</summary>
public sealed record CancellationRequest(int? Revision, string? Reason);

/// <summary>
/// The schedule. The public part (meetings whose audience includes the public) needs no token, as JSON
/// and as an iCalendar feed; every signed-in person sees every meeting (no contact data is in one); the
/// Chair's office and the directory manager schedule, change and cancel.
/// </summary>
public static class MeetingsApi
{
    public static void MapMeetingsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/meetings").WithTags("Meetings");
        api.MapGet("/schedule", PublicScheduleAsync).AllowAnonymous().NotAudited("the public schedule")
            .WithSummary("The public schedule (no token), by year and kind").Produces<List<MeetingView>>().ProducesValidationProblem();
        api.MapGet("/schedule.ics", PublicFeedAsync).AllowAnonymous().NotAudited("the public schedule")
            .WithSummary("The public schedule as an iCalendar feed (no token), by year and kind").Produces<string>(contentType: "text/calendar").ProducesValidationProblem();
        api.MapGet("/", ScheduleAsync).NotAudited("the schedule: no contact data")
            .WithSummary("Every meeting, by year and kind (signed-in people)").Produces<List<MeetingView>>().ProducesValidationProblem();
        api.MapGet("/{id:guid}", MeetingAsync).AllowAnonymousReadingToken().NotAudited("a meeting: no contact data")
            .WithSummary("A meeting (a public one without a token)").Produces<MeetingView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id:guid}.ics", MeetingFileAsync).AllowAnonymousReadingToken().NotAudited("a meeting: no contact data")
            .WithSummary("A meeting's calendar file (a public one without a token)").Produces<string>(contentType: "text/calendar").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/", ScheduleMeetingAsync).AuditedByHandler("meeting.scheduled")
            .WithSummary("Schedule a meeting (Chair's office)").Produces<MeetingView>(StatusCodes.Status201Created).ProducesValidationProblem();
        api.MapPut("/{id:guid}", ChangeAsync).AuditedByHandler("meeting.changed")
            .WithSummary("Change a meeting (Chair's office); a change of time or place raises its calendar sequence")
            .Produces<MeetingView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/cancellation", CancelAsync).AuditedByHandler("meeting.cancelled")
            .WithSummary("Cancel a meeting (Chair's office)").Produces<MeetingView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>The Chair's office, and the directory manager who runs the Secretariat's side.</summary>
    public static bool Schedules(Caller caller) =>
        !caller.IsMachine && (caller.Roles.Contains(Roles.ChairOffice) || caller.Roles.Contains(Roles.DirectoryManager));

    private static IResult Invalid(IDictionary<string, string[]> errors, string title) => TypedResults.ValidationProblem(errors, title: title);

    /// <summary>The filters of a schedule: a year and a kind, each optional, each checked.</summary>
    private static IQueryable<Meeting>? Filter(IQueryable<Meeting> meetings, string? year, string? kind, out IDictionary<string, string[]> errors)
    {
        var fieldErrors = new Dictionary<string, string[]>();
        if (year is not null)
        {
            if (!int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) || y is < 2000 or > 2100)
            {
                fieldErrors["year"] = [$"'{MeetingTime.Shorten(year)}' is not a year from 2000 to 2100."];
            }
            else
            {
                var first = new DateOnly(y, 1, 1);
                var last = new DateOnly(y, 12, 31);
                meetings = meetings.Where(m => m.Time.StartDate <= last && (m.Time.EndDate ?? m.Time.StartDate) >= first);
            }
        }
        if (kind is not null)
        {
            if (!MeetingKinds.All.Contains(kind))
            {
                fieldErrors["kind"] = [$"'{MeetingTime.Shorten(kind)}' is not a kind of meeting: one of {string.Join(", ", MeetingKinds.All)}."];
            }
            else
            {
                meetings = meetings.Where(m => m.Kind == kind);
            }
        }
        errors = fieldErrors;
        return fieldErrors.Count > 0 ? null : meetings.OrderBy(m => m.StartsAt).ThenBy(m => m.Title);
    }

    private static IQueryable<Meeting> Public(MeetingsDbContext db) =>
        db.Meetings.AsNoTracking().Where(m => m.Audience.Contains(Audiences.Public));

    private static async Task<IResult> PublicScheduleAsync(string? year, string? kind, MeetingsDbContext db, CancellationToken ct)
    {
        if (Filter(Public(db), year, kind, out var errors) is not { } query)
        {
            return Invalid(errors, "The schedule cannot be filtered this way.");
        }
        return TypedResults.Ok((await query.ToListAsync(ct)).Select(MeetingView.From).ToList());
    }

    /// <summary>
    /// The public feed, kept while no meeting changes (<see cref="FeedCache"/>), with an entity tag: a calendar
    /// application asking again with it gets 304 and no body until the schedule changes.
    /// </summary>
    private static async Task<IResult> PublicFeedAsync(string? year, string? kind, MeetingsDbContext db, FeedCache cache, HttpContext http, CancellationToken ct)
    {
        if (Filter(Public(db), year, kind, out var errors) is not { } query)
        {
            return Invalid(errors, "The schedule cannot be filtered this way.");
        }
        var stamp = await FeedCache.StampAsync(db, ct);
        // The key is the filter as parsed (Filter accepted both): "02025" is 2025.
        var key = $"{(year is null ? "" : int.Parse(year, NumberStyles.None, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture))}\u001f{kind}";
        var feed = await cache.GetAsync(key, stamp,
            async () => CalendarFiles.Publish(await query.ToListAsync(ct), "OEWG meetings (public schedule)"));
        var tag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue(feed.ETag);
        http.Response.Headers.ETag = feed.ETag;
        // Anyone may keep it, and must ask again each time (a cancellation is seen at once): the answer is then 304.
        http.Response.Headers.CacheControl = "public, no-cache";
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Equals(Microsoft.Net.Http.Headers.EntityTagHeaderValue.Any) || t.Compare(tag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Text(feed.Text, CalendarFiles.ContentType);
    }

    private static async Task<IResult> ScheduleAsync(string? year, string? kind, ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        if (!Problems.SignedInPerson(user))
        {
            return Problems.NotAllowed("The whole schedule is for signed-in people; the public schedule is at /api/meetings/schedule.");
        }
        if (Filter(db.Meetings.AsNoTracking(), year, kind, out var errors) is not { } query)
        {
            return Invalid(errors, "The schedule cannot be filtered this way.");
        }
        return TypedResults.Ok((await query.ToListAsync(ct)).Select(MeetingView.From).ToList());
    }

    /// <summary>A meeting the caller may see: a public one, or any to a signed-in person (a failed or machine token sees it as absent).</summary>
    public static async Task<Meeting?> VisibleAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        var meeting = await db.Meetings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
        return meeting is not null && (meeting.IsPublic || Problems.SignedInPerson(user)) ? meeting : null;
    }

    private static async Task<IResult> MeetingAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct) =>
        await VisibleAsync(id, user, db, ct) is { } meeting
            ? TypedResults.Ok(Schedules(Caller.From(user)) ? MeetingView.ForScheduler(meeting) : MeetingView.From(meeting))
            : Problems.NoMeeting();

    private static async Task<IResult> MeetingFileAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        if (await VisibleAsync(id, user, db, ct) is not { } meeting)
        {
            return Problems.NoMeeting();
        }
        var bytes = System.Text.Encoding.UTF8.GetBytes(CalendarFiles.Publish([meeting], meeting.Title));
        return TypedResults.File(bytes, CalendarFiles.ContentType, $"meeting-{meeting.Time.StartDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.ics");
    }

    private static async Task<IResult> ScheduleMeetingAsync(
        MeetingRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!Schedules(Caller.From(user)))
        {
            return Problems.NotAllowed("Meetings are scheduled by the Chair's office.");
        }
        var now = clock.GetUtcNow();
        var meeting = new Meeting { CreatedAt = now, UpdatedAt = now };
        try
        {
            (request ?? new MeetingRequest(null, null, null, null, null, null, null, null)).ApplyTo(meeting, isNew: true);
        }
        catch (FieldErrorsException ex)
        {
            return Invalid(ex.Errors, "The meeting cannot be scheduled.");
        }
        db.Meetings.Add(meeting);
        await ParticipantMail.PlanRemindersAsync(db, meeting, ParticipantMail.Offsets(configuration), now, ct);
        db.AddAuditRecord(ResourceNames.Meetings, "meeting.scheduled", AuditOutcomes.Success, http, target: meeting.Id.ToString(),
            detail: $"{meeting.Kind}; {meeting.Time.Describe()}");
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/meetings/{meeting.Id}", MeetingView.From(meeting));
    }

    /// <summary>
    /// Holds the meeting's row until the caller's transaction ends (changes, cancellations and registrations
    /// of one meeting then happen one after the other). A raw lock: EF's FromSql does not map the time's columns.
    /// </summary>
    public static Task LockAsync(MeetingsDbContext db, Guid id, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""SELECT 1 FROM meetings WHERE "Id" = {id} FOR UPDATE""", ct);

    /// <summary>A meeting to change: found, not cancelled, and at the revision the change was made from.</summary>
    private static async Task<(Meeting? Meeting, IResult? Refusal)> ChangeableAsync(Guid id, int? revision, MeetingsDbContext db, CancellationToken ct)
    {
        var meeting = await db.Meetings.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (meeting is null)
        {
            return (null, Problems.NoMeeting());
        }
        if (meeting.Status == MeetingStatuses.Cancelled)
        {
            return (null, Problems.Conflict("The meeting is cancelled.", "A cancelled meeting is not changed again: schedule a new one."));
        }
        if (revision is { } r && r != meeting.Revision)
        {
            return (null, Problems.Conflict("The meeting has changed since you read it.",
                $"You changed revision {r}; it is at revision {meeting.Revision} now. Read it again and make your change to that."));
        }
        return (meeting, null);
    }

    private static async Task<IResult> ChangeAsync(
        Guid id, MeetingRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!Schedules(Caller.From(user)))
        {
            return Problems.NotAllowed("Meetings are changed by the Chair's office.");
        }
        request ??= new MeetingRequest(null, null, null, null, null, null, null, null);
        // The meeting's row is held until the change is saved: a registration made meanwhile waits, then sees the new link.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockAsync(db, id, ct);
        var (meeting, refusal) = await ChangeableAsync(id, request.Revision, db, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var sequence = meeting!.Sequence;
        var link = meeting.JoinLink;
        var shown = InvitationMail.Shown.Of(meeting);
        var (startsAt, status) = (meeting.StartsAt, meeting.Status);
        try
        {
            request.ApplyTo(meeting, isNew: false);
        }
        catch (FieldErrorsException ex)
        {
            return Invalid(ex.Errors, "The meeting cannot be changed so.");
        }
        meeting.Revision++;
        meeting.UpdatedAt = clock.GetUtcNow();
        // A change of time or status plans the reminders again (in the change's transaction: a refused change plans none).
        if (meeting.StartsAt != startsAt || meeting.Status != status)
        {
            await ParticipantMail.PlanRemindersAsync(db, meeting, ParticipantMail.Offsets(configuration), meeting.UpdatedAt, ct);
        }
        // "The link will be disseminated in due course": when it comes, or changes, the registered participants get it.
        if (meeting.JoinLink is not null && meeting.JoinLink != link)
        {
            ParticipantMail.SendLink(db, meeting, await db.Registrations.AsNoTracking().Attending(meeting.Id).ToListAsync(ct));
        }
        var detail = meeting.Sequence != sequence ? $"time, place or link changed: {meeting.Time.Describe()}" : "details changed";
        // Every invitee's calendar follows: what the entry shows changed, so each gets the update, with a higher SEQUENCE
        // (a meeting marked as held afterwards is news to no one).
        var updated = 0;
        var pointsOfContact = "";
        if (InvitationMail.Shown.Of(meeting) != shown && meeting.Status != MeetingStatuses.Held)
        {
            var invitees = await db.Invitees.Where(i => i.MeetingId == meeting.Id).ToListAsync(ct);
            if (invitees.Count > 0 || meeting.PointsOfContactInvitedAt is not null)
            {
                meeting.Sequence = Math.Max(meeting.Sequence, sequence + 1);
                InvitationMail.Send(db, meeting, invitees, InvitationKind.Update, InvitationMail.Organizer(configuration), AuthenticationExtensions.WebUrl(configuration));
                updated = invitees.Count;
            }
            if (meeting.PointsOfContactInvitedAt is not null)
            {
                // Points of contact taken out of the audience are told once, and then no more.
                var uninvited = !meeting.Audience.Contains(Audiences.PointsOfContact);
                PointsOfContactMail.Meeting(db, meeting, InvitationKind.Update, AuthenticationExtensions.WebUrl(configuration), meeting.UpdatedAt, uninvited);
                pointsOfContact = uninvited ? "; the points of contact told it is no longer open to them" : "; and to every point of contact";
            }
        }
        db.AddAuditRecord(ResourceNames.Meetings, "meeting.changed", AuditOutcomes.Success, http, target: meeting.Id.ToString(),
            detail: detail + (updated > 0 ? $"; update sent to {updated} invited addresses" : "") + pointsOfContact);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("The meeting has changed since you read it.", "Someone changed it at the same moment. Read it again and make your change to that.");
        }
        return TypedResults.Ok(MeetingView.ForScheduler(meeting));
    }

    private static async Task<IResult> CancelAsync(
        Guid id, CancellationRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!Schedules(Caller.From(user)))
        {
            return Problems.NotAllowed("Meetings are cancelled by the Chair's office.");
        }
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim();
        var errors = new Dictionary<string, string[]>();
        if (reason is not null && reason.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors["reason"] = ["Remove the control characters: only line breaks and tabs are kept."];
        }
        if (request?.Revision is null)
        {
            errors["revision"] = ["Give the revision of the meeting you cancel, so that a change made meanwhile is not cancelled unseen."];
        }
        if (reason?.Length > 1000)
        {
            errors["reason"] = [$"The reason is {reason.Length} characters long; at most 1000 fit."];
        }
        if (errors.Count > 0)
        {
            return Invalid(errors, "The cancellation is not valid.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockAsync(db, id, ct);
        var (meeting, refusal) = await ChangeableAsync(id, request!.Revision, db, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        if (meeting!.Status == MeetingStatuses.Held)
        {
            return Problems.Conflict("The meeting was held.", "A meeting that took place is not cancelled afterwards.");
        }
        meeting.Status = MeetingStatuses.Cancelled;
        meeting.Sequence++;
        meeting.Revision++;
        meeting.UpdatedAt = clock.GetUtcNow();
        if (reason is not null)
        {
            meeting.Description = string.IsNullOrEmpty(meeting.Description) ? $"Cancelled: {reason}" : $"Cancelled: {reason}\n\n{meeting.Description}";
        }
        // The invitees' calendars drop it: METHOD:CANCEL, same UID, the raised SEQUENCE.
        var invitees = await db.Invitees.Where(i => i.MeetingId == meeting.Id).ToListAsync(ct);
        InvitationMail.Send(db, meeting, invitees, InvitationKind.Cancellation, InvitationMail.Organizer(configuration), AuthenticationExtensions.WebUrl(configuration));
        if (meeting.PointsOfContactInvitedAt is not null)
        {
            PointsOfContactMail.Meeting(db, meeting, InvitationKind.Cancellation, AuthenticationExtensions.WebUrl(configuration), meeting.UpdatedAt);
        }
        db.AddAuditRecord(ResourceNames.Meetings, "meeting.cancelled", AuditOutcomes.Success, http, target: meeting.Id.ToString(),
            detail: (reason is null ? "" : "with a reason; ") + $"cancellation sent to {invitees.Count} invited addresses"
                + (meeting.PointsOfContactInvitedAt is not null ? " and to every point of contact" : ""));
        await ParticipantMail.PlanRemindersAsync(db, meeting, [], meeting.UpdatedAt, ct); // no reminder of a cancelled meeting
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("The meeting has changed since you read it.", "Someone changed it at the same moment. Read it again before cancelling it.");
        }
        return TypedResults.Ok(MeetingView.ForScheduler(meeting));
    }
}
