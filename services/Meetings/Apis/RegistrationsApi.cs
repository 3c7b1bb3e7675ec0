using System.Globalization;
using System.Security.Claims;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Participants;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Apis;

/// <summary>A participant: of a State's delegation, or of an accredited stakeholder (<see cref="Organization"/>, no State), with the Secretariat's decision.</summary>
public sealed record RegistrationView(Guid Id, string State, string FullName, string Function, string Email, string Attendance, DateTimeOffset CreatedAt, DateTimeOffset? WithdrawnAt,
    string? Organization = null, string Status = RegistrationStatuses.Approved, string? DeclineReason = null, DateTimeOffset? DecidedAt = null)
{
    public static RegistrationView From(Registration r) =>
        new(r.Id, r.State, r.FullName, r.Function, r.Email, r.Attendance, r.CreatedAt, r.WithdrawnAt, r.Organization, r.Status, r.DeclineReason, r.DecidedAt);
}

/// <summary>A meeting the delegate's State has participants in, with them: the delegation's own overview.</summary>
public sealed record DelegationMeeting(Guid MeetingId, string Title, string When, DateTimeOffset StartsAt, string Status, bool RegistrationOpen, IReadOnlyList<RegistrationView> Participants);

/// <summary>The Secretariat's decision on a stakeholder's participant: approved, or declined with the reason the participant is told.</summary>
public sealed record RegistrationDecision(bool? Approve, string? Reason);

/// <summary>
/// Registration: a State's delegate registers the State's participants in a meeting open for it (within
/// its capacity and the limit per delegation), and sees and withdraws its own State's; the Secretariat
/// (the directory manager) sees every participant, approves or declines each one an accredited stakeholder registered
/// (<see cref="StakeholderRegistrationsApi"/>), and exports the list. The Chair's office reads no person's contact details,
/// participants' included. Participants are people: every read of them is on record.
/// </summary>
public static class RegistrationsApi
{
    public static void MapRegistrationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/meetings/registrations", DelegationAsync).WithTags("Registration").Audited("registrations.read", ResourceNames.Meetings)
            .WithSummary("The delegate's own State's participants in every meeting, the next meetings first").Produces<List<DelegationMeeting>>();
        var api = routes.MapGroup("/api/meetings/{id:guid}").WithTags("Registration");
        api.MapGet("/registrations", ListAsync).Audited("registrations.read", ResourceNames.Meetings)
            .WithSummary("The meeting's participants: all for the directory manager, a delegate's own State's").Produces<List<RegistrationView>>();
        api.MapPost("/registrations", RegisterAsync).AuditedByHandler("registration.created")
            .WithSummary("Register a participant of the delegate's State").Produces<RegistrationView>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/registrations/{registrationId:guid}", WithdrawAsync).AuditedByHandler("registration.withdrawn")
            .WithSummary("Withdraw a participant (the State's delegate, or the directory manager)").Produces<RegistrationView>();
        api.MapPost("/registrations/{registrationId:guid}/decision", DecideAsync).AuditedByHandler("registration.decided")
            .WithSummary("Approve or decline a stakeholder's participant (directory manager); the participant is told")
            .Produces<RegistrationView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/registrations.csv", ExportAsync).AuditedByHandler("registrations.exported")
            .WithSummary("The participants as CSV (directory manager)").Produces<string>(contentType: "text/csv");
    }

    private static async Task<IResult> DelegationAsync(ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (Problems.DelegateState(user) is not { } state)
        {
            return Problems.NotAllowed("A delegation's registrations are seen by its State's delegates.");
        }
        var registrations = await db.Registrations.AsNoTracking().Where(r => r.State == state && r.Organization == null && r.WithdrawnAt == null)
            .OrderBy(r => r.CreatedAt).ToListAsync(ct);
        var ids = registrations.Select(r => r.MeetingId).Distinct().ToList();
        var meetings = await db.Meetings.AsNoTracking().Where(m => ids.Contains(m.Id)).ToListAsync(ct);
        var byMeeting = registrations.ToLookup(r => r.MeetingId);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(meetings
            .OrderBy(m => m.EndsAt < now ? 1 : 0).ThenBy(m => m.EndsAt < now ? -m.StartsAt.UtcTicks : m.StartsAt.UtcTicks) // the next ones first, then the past, latest first
            .Select(m => new DelegationMeeting(m.Id, m.Title, m.Time.Describe(), m.StartsAt, m.Status, m.RegistrationOpen, byMeeting[m.Id].Select(RegistrationView.From).ToList()))
            .ToList());
    }

    private static async Task<IResult> ListAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var all = caller.IsDirectoryManager;
        var state = Problems.DelegateState(user);
        if (!all && state is null)
        {
            return Problems.NotAllowed("A meeting's participants are seen by the Secretariat, and by each State's delegates for their own State.");
        }
        if (!await db.Meetings.AnyAsync(m => m.Id == id, ct))
        {
            return Problems.NoMeeting();
        }
        var list = await db.Registrations.AsNoTracking()
            .Where(r => r.MeetingId == id && (all || r.State == state))
            .OrderBy(r => r.State).ThenBy(r => r.Organization).ThenBy(r => r.CreatedAt)
            .ToListAsync(ct);
        return TypedResults.Ok(list.Select(RegistrationView.From).ToList());
    }

    private static async Task<IResult> RegisterAsync(
        Guid id, RegistrationRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (Problems.DelegateState(user) is not { } state)
        {
            return Problems.NotAllowed("Participants are registered by their State's delegate.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The meeting's row is held until this registration is saved: two delegates registering at once are counted one after the other.
        await MeetingsApi.LockAsync(db, id, ct);
        var meeting = await db.Meetings.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (meeting is null)
        {
            return Problems.NoMeeting();
        }
        var observer = await db.MemberStates.AnyAsync(s => s.Iso3 == state && s.UnStatus == "Observer", ct);
        if (!meeting.Audience.Contains(observer ? Audiences.Observers : Audiences.MemberStates))
        {
            return Problems.Conflict("Not a meeting for your State.", observer
                ? "This meeting is not open to observer States."
                : "This meeting is not for Member States: its participants are not registered by delegates.");
        }
        var now = clock.GetUtcNow();
        if (!meeting.RegistrationOpen || meeting.Status is MeetingStatuses.Cancelled or MeetingStatuses.Held || meeting.EndsAt <= now)
        {
            return Problems.Conflict("Registration is not open.", meeting.Status == MeetingStatuses.Cancelled ? "The meeting is cancelled."
                : meeting.EndsAt <= now ? "The meeting is over." : "The Chair's office has not opened registration for this meeting.");
        }
        (string FullName, string Function, string Email, string Attendance) valid;
        try
        {
            valid = (request ?? new RegistrationRequest(null, null, null, null)).Validate(meeting.Format);
        }
        catch (FieldErrorsException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors, title: "The participant cannot be registered.");
        }
        // A place is taken by a participant who takes part: stakeholders' registrations waiting for approval take none until approved.
        var active = await db.Registrations.Attending(id).Select(r => new { r.State, r.Email }).ToListAsync(ct);
        if (active.Any(r => r.State == state && r.Email.Equals(valid.Email, StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.Conflict("Registered already.", $"{valid.Email} is registered for this meeting by your delegation already.");
        }
        if (meeting.Capacity is { } capacity && active.Count >= capacity)
        {
            return Problems.Conflict("The meeting is full.", $"All {capacity} places are taken.");
        }
        if (meeting.PerDelegation is { } limit && active.Count(r => r.State == state) >= limit)
        {
            return Problems.Conflict("The delegation is complete.", $"Each delegation may register {limit} participant{(limit == 1 ? "" : "s")}; {state} has.");
        }
        var registration = new Registration
        {
            MeetingId = id, State = state, FullName = valid.FullName, Function = valid.Function, Email = valid.Email,
            Attendance = valid.Attendance, RegisteredBy = caller.Subject, CreatedAt = now,
        };
        db.Registrations.Add(registration);
        if (meeting.JoinLink is not null)
        {
            ParticipantMail.SendLink(db, meeting, [registration]);
        }
        db.AddAuditRecord(ResourceNames.Meetings, "registration.created", AuditOutcomes.Success, http, target: $"{id}/{registration.Id}", state: state,
            detail: registration.Attendance);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/meetings/{id}/registrations", RegistrationView.From(registration));
    }

    private static async Task<IResult> WithdrawAsync(Guid id, Guid registrationId, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var all = caller.IsDirectoryManager;
        var state = Problems.DelegateState(user);
        if (!all && state is null)
        {
            return Problems.NotAllowed("A participant is withdrawn by their State's delegate, or by the Secretariat.");
        }
        // Under the meeting's lock, as a decision is: a participant is withdrawn before or after being approved, never during.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await MeetingsApi.LockAsync(db, id, ct);
        var registration = await db.Registrations.SingleOrDefaultAsync(r => r.Id == registrationId && r.MeetingId == id && (all || r.State == state), ct);
        if (registration is null)
        {
            return TypedResults.Problem(title: "No such registration.", detail: "No registration with this id is visible to you.", statusCode: StatusCodes.Status404NotFound);
        }
        if (registration.WithdrawnAt is null)
        {
            registration.WithdrawnAt = clock.GetUtcNow();
            db.AddAuditRecord(ResourceNames.Meetings, "registration.withdrawn", AuditOutcomes.Success, http, target: $"{id}/{registration.Id}", state: registration.State);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return TypedResults.Ok(RegistrationView.From(registration));
    }

    private static async Task<IResult> DecideAsync(
        Guid id, Guid registrationId, RegistrationDecision? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (caller is not { IsMachine: false, IsDirectoryManager: true })
        {
            return Problems.NotAllowed("A stakeholder's participant is approved or declined by the Secretariat (the directory manager).");
        }
        var errors = new Dictionary<string, string[]>();
        var reason = request?.Reason?.Trim();
        var approve = request?.Approve == true;
        if (request?.Approve is null)
        {
            errors["approve"] = ["Say whether the participant is approved (true) or declined (false)."];
        }
        else if (!approve && string.IsNullOrEmpty(reason))
        {
            errors["reason"] = ["Give the reason the participant is told."];
        }
        if (reason is { Length: > 1000 })
        {
            errors["reason"] = ["Give the reason in at most 1000 characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The decision cannot be recorded.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await MeetingsApi.LockAsync(db, id, ct);
        var meeting = await db.Meetings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
        var registration = meeting is null ? null : await db.Registrations.SingleOrDefaultAsync(r => r.Id == registrationId && r.MeetingId == id, ct);
        if (meeting is null || registration is null)
        {
            return TypedResults.Problem(title: "No such registration.", detail: "No registration with this id in this meeting.", statusCode: StatusCodes.Status404NotFound);
        }
        if (registration.Status != RegistrationStatuses.Pending || registration.WithdrawnAt is not null)
        {
            return Problems.Conflict("Nothing to decide.", registration.WithdrawnAt is not null ? "The participant was withdrawn."
                : registration.StakeholderId is null ? "A delegation's participants take part as registered." : $"The participant was {registration.Status} already.");
        }
        if (meeting.Status is MeetingStatuses.Cancelled or MeetingStatuses.Held || meeting.EndsAt <= clock.GetUtcNow())
        {
            return Problems.Conflict("The meeting is not ahead.", meeting.Status == MeetingStatuses.Cancelled ? "The meeting is cancelled." : "The meeting is over.");
        }
        // An approval takes a place: counted under the meeting's lock, as a delegate's registration is.
        if (approve && meeting.Capacity is { } capacity && await db.Registrations.Attending(id).CountAsync(ct) >= capacity)
        {
            return Problems.Conflict("The meeting is full.", $"All {capacity} places are taken: decline the participant, or withdraw another first.");
        }
        registration.Status = approve ? RegistrationStatuses.Approved : RegistrationStatuses.Declined;
        registration.DecidedAt = clock.GetUtcNow();
        registration.DecidedBy = caller.Subject;
        registration.DeclineReason = approve ? null : reason;
        ParticipantMail.SendDecision(db, meeting, registration);
        if (approve && meeting.JoinLink is not null)
        {
            ParticipantMail.SendLink(db, meeting, [registration]);
        }
        db.AddAuditRecord(ResourceNames.Meetings, "registration.decided", AuditOutcomes.Success, http, target: $"{id}/{registration.Id}", detail: registration.Status);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(RegistrationView.From(registration));
    }

    private static async Task<IResult> ExportAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, HttpContext http, CancellationToken ct)
    {
        if (!Caller.From(user).IsDirectoryManager)
        {
            return Problems.NotAllowed("The participants' list is exported by the Secretariat (the directory manager).");
        }
        var meeting = await db.Meetings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
        if (meeting is null)
        {
            return Problems.NoMeeting();
        }
        var list = await db.Registrations.AsNoTracking().Holding(id)
            .OrderBy(r => r.State).ThenBy(r => r.Organization).ThenBy(r => r.FullName).ToListAsync(ct);
        var names = await db.MemberStates.AsNoTracking().ToDictionaryAsync(s => s.Iso3, s => s.Name, ct);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var header in new[] { "state", "state_name", "organization", "full_name", "function", "email", "attendance", "status", "registered_at" })
            {
                csv.WriteField(header);
            }
            csv.NextRecord();
            foreach (var r in list)
            {
                foreach (var field in new[]
                {
                    r.State, names.GetValueOrDefault(r.State, r.State), SpreadsheetCells.Safe(r.Organization ?? ""), SpreadsheetCells.Safe(r.FullName),
                    SpreadsheetCells.Safe(r.Function), SpreadsheetCells.Safe(r.Email), r.Attendance, r.Status, r.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                })
                {
                    csv.WriteField(field);
                }
                csv.NextRecord();
            }
        }
        db.AddAuditRecord(ResourceNames.Meetings, "registrations.exported", AuditOutcomes.Success, http, target: id.ToString(), detail: $"{list.Count} rows");
        await db.SaveChangesAsync(ct);
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray(), "text/csv; charset=utf-8",
            $"participants-{meeting.Time.StartDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.csv");
    }

}
