using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Security;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Invitations;
using PocDirectory.Meetings.Participants;
using PocDirectory.Meetings.Schedule;
using PocDirectory.Meetings.Stakeholders;

namespace PocDirectory.Meetings.Apis;

/// <summary>The secret of a stakeholder's registration link, and, to register or withdraw, the participant.</summary>
public sealed record StakeholderLinkRequest(string? Token, string? FullName = null, string? Function = null, string? Email = null, string? Attendance = null,
    Guid? RegistrationId = null);

/// <summary>A participant of the organization, as the holder of its link reads it (no address: the link could be forwarded).</summary>
public sealed record StakeholderParticipantView(Guid Id, string FullName, string Function, string Attendance, string Status, string StatusName, string? DeclineReason,
    DateTimeOffset CreatedAt, DateTimeOffset? WithdrawnAt);

/// <summary>What a stakeholder's registration link opens: the meeting, whether registration is open, and the organization's participants.</summary>
public sealed record StakeholderInvitationView(
    Guid MeetingId, string Title, string Kind, string When, string Place, string? Format, string Status, bool RegistrationOpen, string? Closed,
    string Organization, int? PerOrganization, IReadOnlyList<StakeholderParticipantView> Participants);

/// <summary>
/// Registration of an accredited stakeholder's participants, without an account: the invitation e-mailed to the
/// organization's contact carries a link of its own (a secret of 256 bits, kept as its SHA-256), which reads the meeting
/// and the organization's participants, registers one, and withdraws one. Each registration waits for the Secretariat's
/// approval (<see cref="RegistrationsApi"/>): only then do the join link and the reminders go to the participant.
/// </summary>
public static class StakeholderRegistrationsApi
{
    public static void MapStakeholderRegistrationsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/meetings/stakeholder-registrations").WithTags("Registration");
        api.MapPost("/read", ReadAsync).AllowAnonymous().NotAudited("the meeting and the organization's own participants, read with its link")
            .WithSummary("Read the meeting and the organization's participants with the invitation's registration link").Produces<StakeholderInvitationView>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
        api.MapPost("/participants", RegisterAsync).AllowAnonymous().AuditedByHandler("registration.created")
            .WithSummary("Register a participant of the organization, for the Secretariat's approval").Produces<StakeholderParticipantView>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/withdrawal", WithdrawAsync).AllowAnonymous().AuditedByHandler("registration.withdrawn")
            .WithSummary("Withdraw a participant of the organization").Produces<StakeholderParticipantView>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The most participants an organization registers for a meeting without a limit per delegation.</summary>
    public const int PendingLimit = 10;

    private static StakeholderParticipantView View(Registration r) =>
        new(r.Id, r.FullName, r.Function, r.Attendance, r.Status, RegistrationStatuses.DisplayName(r.Status), r.DeclineReason, r.CreatedAt, r.WithdrawnAt);

    private sealed record Link(Invitee Invitee, Meeting Meeting);

    /// <summary>The invitee and meeting of a link, or the refusal: an unreadable or unknown link, or an organization no longer accredited.</summary>
    private static async Task<(Link? Link, IResult? Refusal)> OpenAsync(StakeholderLinkRequest? request, MeetingsDbContext db, CancellationToken ct)
    {
        if (request?.Token is not { Length: > 20 and < 100 } token)
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = ["Give the token of the registration link in the invitation."] },
                title: "The registration link cannot be read."));
        }
        var hash = OneTimeTokens.Hash(token);
        var invitee = await db.Invitees.AsNoTracking().SingleOrDefaultAsync(i => i.RegistrationHash == hash, ct);
        var meeting = invitee is null ? null : await db.Meetings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == invitee.MeetingId, ct);
        if (invitee?.StakeholderId is not { } stakeholder || meeting is null)
        {
            return (null, TypedResults.Problem(title: "This link is not known.", detail: "Open the link exactly as it was e-mailed with the invitation.",
                statusCode: StatusCodes.Status404NotFound));
        }
        if (!await db.StakeholderApplications.AnyAsync(a => a.Id == stakeholder && a.Status == ApplicationStatuses.Accredited, ct))
        {
            return (null, TypedResults.Problem(title: "The organization is not accredited.", detail: "Only accredited stakeholders register participants.",
                statusCode: StatusCodes.Status410Gone));
        }
        return (new Link(invitee, meeting), null);
    }

    /// <summary>Why registration is closed for stakeholders, or null when it is open.</summary>
    private static string? Closed(Meeting meeting, DateTimeOffset now) =>
        meeting.Status == MeetingStatuses.Cancelled ? "The meeting is cancelled."
        : meeting.Status == MeetingStatuses.Held || meeting.EndsAt <= now ? "The meeting is over."
        : !meeting.Audience.Contains(Audiences.Stakeholders) ? "The meeting is no longer open to stakeholders."
        : !meeting.RegistrationOpen ? "The Chair's office has not opened registration for this meeting."
        : null;

    private static async Task<List<Registration>> ParticipantsAsync(MeetingsDbContext db, Link link, CancellationToken ct) =>
        await db.Registrations.AsNoTracking().Where(r => r.MeetingId == link.Meeting.Id && r.StakeholderId == link.Invitee.StakeholderId)
            .OrderBy(r => r.CreatedAt).ToListAsync(ct);

    private static async Task<IResult> ReadAsync(StakeholderLinkRequest? request, MeetingsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (link, refusal) = await OpenAsync(request, db, ct);
        if (link is null)
        {
            return refusal!;
        }
        var meeting = link.Meeting;
        var closed = Closed(meeting, clock.GetUtcNow());
        return TypedResults.Ok(new StakeholderInvitationView(
            meeting.Id, meeting.Title, MeetingKinds.DisplayName(meeting.Kind), meeting.Time.Describe(), ParticipantMail.Place(meeting), meeting.Format,
            MeetingStatuses.DisplayName(meeting.Status), closed is null, closed, link.Invitee.MissionName, meeting.PerDelegation ?? PendingLimit,
            (await ParticipantsAsync(db, link, ct)).Select(View).ToList()));
    }

    private static async Task<IResult> RegisterAsync(StakeholderLinkRequest? request, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var (link, refusal) = await OpenAsync(request, db, ct);
        if (link is null)
        {
            return refusal!;
        }
        var id = link.Meeting.Id;
        var stakeholder = link.Invitee.StakeholderId!.Value;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The meeting's row is held until the registration is saved: places are counted one registration after the other.
        await MeetingsApi.LockAsync(db, id, ct);
        var meeting = await db.Meetings.AsNoTracking().SingleAsync(m => m.Id == id, ct);
        var now = clock.GetUtcNow();
        if (Closed(meeting, now) is { } closed)
        {
            return Problems.Conflict("Registration is not open.", closed);
        }
        (string FullName, string Function, string Email, string Attendance) valid;
        try
        {
            valid = request!.ToParticipant().Validate(meeting.Format);
        }
        catch (FieldErrorsException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors, title: "The participant cannot be registered.");
        }
        // The places are taken by those who take part; the organization's own registrations, approved or waiting, count against its limit
        // (the meeting's limit per delegation, or at most PendingLimit when it has none): a forwarded link cannot flood the Secretariat.
        var holding = await db.Registrations.Holding(id).Select(r => new { r.StakeholderId, r.Email, r.Status }).ToListAsync(ct);
        var ours = holding.Where(r => r.StakeholderId == stakeholder).ToList();
        if (ours.Any(r => r.Email.Equals(valid.Email, StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.Conflict("Registered already.", $"{valid.Email} is registered for this meeting by your organization already.");
        }
        if (meeting.Capacity is { } capacity && holding.Count(r => r.Status == RegistrationStatuses.Approved) >= capacity)
        {
            return Problems.Conflict("The meeting is full.", $"All {capacity} places are taken.");
        }
        var limit = meeting.PerDelegation ?? PendingLimit;
        if (ours.Count >= limit)
        {
            return Problems.Conflict("Your delegation is complete.", meeting.PerDelegation is null
                ? $"An organization registers at most {limit} participants for a meeting; yours has."
                : $"Each delegation may register {limit} participant{(limit == 1 ? "" : "s")}; your organization has.");
        }
        var registration = new Registration
        {
            MeetingId = id, State = "", StakeholderId = stakeholder, Organization = link.Invitee.MissionName, Status = RegistrationStatuses.Pending,
            FullName = valid.FullName, Function = valid.Function, Email = valid.Email, Attendance = valid.Attendance, RegisteredBy = "stakeholder", CreatedAt = now,
        };
        db.Registrations.Add(registration);
        db.AddAuditRecord(ResourceNames.Meetings, "registration.created", AuditOutcomes.Success, http, actor: "stakeholder", target: $"{id}/{registration.Id}",
            detail: $"{registration.Attendance}, for the Secretariat's approval");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/meetings/{id}/registrations", View(registration));
    }

    private static async Task<IResult> WithdrawAsync(StakeholderLinkRequest? request, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var (link, refusal) = await OpenAsync(request, db, ct);
        if (link is null)
        {
            return refusal!;
        }
        // Under the meeting's lock, as the Secretariat's decision is: withdrawn before or after it, never during.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await MeetingsApi.LockAsync(db, link.Meeting.Id, ct);
        var registration = request!.RegistrationId is { } registrationId
            ? await db.Registrations.SingleOrDefaultAsync(r => r.Id == registrationId && r.MeetingId == link.Meeting.Id && r.StakeholderId == link.Invitee.StakeholderId, ct)
            : null;
        if (registration is null)
        {
            return TypedResults.Problem(title: "No such registration.", detail: "No participant of your organization has this id.", statusCode: StatusCodes.Status404NotFound);
        }
        if (registration.WithdrawnAt is null)
        {
            registration.WithdrawnAt = clock.GetUtcNow();
            db.AddAuditRecord(ResourceNames.Meetings, "registration.withdrawn", AuditOutcomes.Success, http, actor: "stakeholder", target: $"{link.Meeting.Id}/{registration.Id}");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return TypedResults.Ok(View(registration));
    }

    private static RegistrationRequest ToParticipant(this StakeholderLinkRequest request) => new(request.FullName, request.Function, request.Email, request.Attendance);
}
