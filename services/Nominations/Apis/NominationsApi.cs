using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;
using PocDirectory.Nominations.Workflow;

namespace PocDirectory.Nominations.Apis;

/// <summary>
/// Nominations over HTTP. Who may do what is decided by <see cref="NominationDesk"/> from the token
/// (<see cref="Caller"/>): a State's focal point writes for its State, the directory manager reviews;
/// machine clients never write. The nominee's two endpoints take the link's token instead of a sign-in.
/// </summary>
public static class NominationsApi
{
    public static void MapNominationsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/nominations").WithTags("Nominations");
        api.MapGet("/states/{state}", ForStateAsync).AuditedByHandler("nominations.state-read");
        api.MapPost("/", CreateAsync).AuditedByHandler("nomination.created");
        api.MapGet("/review", ReviewQueueAsync).AuditedByHandler("nominations.review-queue-read");
        api.MapGet("/{id:guid}", GetAsync).AuditedByHandler("nomination.read");
        api.MapPut("/{id:guid}", EditAsync).AuditedByHandler("nomination.draft-edited");
        api.MapDelete("/{id:guid}", DiscardAsync).AuditedByHandler("nomination.discarded");
        api.MapPost("/{id:guid}/submission", SubmitAsync).AuditedByHandler("nomination.submitted");
        api.MapPost("/{id:guid}/decision", DecideAsync).AuditedByHandler("nomination.approved", "nomination.returned", "nomination.rejected");
        api.MapPost("/pocs/{pocId:guid}/withdrawal", WithdrawAsync).AuditedByHandler("poc.withdrawn");

        api.MapGet("/update-requests", UpdateRequestsAsync).Audited("update-requests.read", ResourceNames.Nominations);
        api.MapPost("/update-requests/rounds", StartRoundAsync).AuditedByHandler("update-request.round-started");
        api.MapGet("/states/{state}/update-request", UpdateRequestAsync).Audited("update-request.read", ResourceNames.Nominations);
        api.MapPost("/states/{state}/update-request/confirmations", ConfirmEntriesAsync).AuditedByHandler("update-request.confirmed");

        var nominee = api.MapGroup("/confirmation").AllowAnonymous();
        nominee.MapPost("/lookup", LookupAsync).AuditedByHandler("nomination.looked-up");
        nominee.MapPost("/", ConfirmAsync).AuditedByHandler("nomination.confirmed", "nomination.declined");
    }

    private static async Task<IResult> ForStateAsync(string state, ClaimsPrincipal user, NominationsDbContext db, HttpContext http, CancellationToken ct)
    {
        state = state.ToUpperInvariant();
        var memberState = await db.MemberStates.AsNoTracking().SingleOrDefaultAsync(s => s.Iso3 == state, ct);
        if (memberState is null)
        {
            return NotFound($"No Member or observer State has the code '{state}'.");
        }
        if (!Caller.From(user).OverseesState(state))
        {
            return Forbidden("Only the State's focal point and the directory manager see its nominations.");
        }
        var listed = await db.ListedPocs.AsNoTracking().Where(p => p.State == state).ToListAsync(ct);
        var nominations = await db.Nominations.AsNoTracking().Where(n => n.State == state)
            .OrderByDescending(n => n.UpdatedAt).Take(200).ToListAsync(ct);
        // Contact details of the State's people: every read is on record.
        db.AddAuditRecord(ResourceNames.Nominations, "nominations.state-read", AuditOutcomes.Success, http, state: state,
            detail: $"{listed.Count} listed, {nominations.Count} nominations");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new StateNominations(state, memberState.Name,
            listed.OrderBy(p => p.WithdrawnAt is not null).ThenBy(p => p.Details.Type).ThenBy(p => p.Details.FullName).Select(ListedPocView.From).ToList(),
            nominations.Select(NominationSummary.From).ToList()));
    }

    private static Task<IResult> CreateAsync(CreateNominationRequest request, ClaimsPrincipal user, NominationDesk desk, NominationsDbContext db, HttpContext http, CancellationToken ct) =>
        Handle(async () =>
        {
            var nomination = await desk.CreateAsync(Caller.From(user), request.State, request.PocId, request.Details, request.Submit, http, ct);
            return TypedResults.Created($"/api/nominations/{nomination.Id}", await ViewAsync(db, nomination, ct));
        }, "The nomination cannot be saved.");

    private static async Task<IResult> ReviewQueueAsync(ClaimsPrincipal user, NominationsDbContext db, HttpContext http, CancellationToken ct)
    {
        if (!Caller.From(user).IsDirectoryManager)
        {
            return Forbidden("Only the directory manager reviews nominations.");
        }
        var pending = await db.Nominations.AsNoTracking()
            .Where(n => n.Status == NominationStatus.PendingReview)
            .OrderBy(n => n.SubmittedAt).Take(500).ToListAsync(ct);
        db.AddAuditRecord(ResourceNames.Nominations, "nominations.review-queue-read", AuditOutcomes.Success, http, detail: $"{pending.Count} nominations");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(pending.Select(NominationSummary.From).ToList());
    }

    private static Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, NominationDesk desk, NominationsDbContext db, HttpContext http, CancellationToken ct) =>
        Handle(async () =>
        {
            var nomination = await desk.LoadForReaderAsync(Caller.From(user), id, ct);
            // The nominee's full contact details: every read is on record.
            db.AddAuditRecord(ResourceNames.Nominations, "nomination.read", AuditOutcomes.Success, http, target: id.ToString(), state: nomination.State);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(await ViewAsync(db, nomination, ct));
        }, "");

    private static Task<IResult> EditAsync(Guid id, NominationInput details, ClaimsPrincipal user, NominationDesk desk, NominationsDbContext db, HttpContext http, CancellationToken ct) =>
        Handle(async () => TypedResults.Ok(await ViewAsync(db, await desk.EditAsync(Caller.From(user), id, details, http, ct), ct)), "The draft cannot be saved.");

    private static Task<IResult> DiscardAsync(Guid id, ClaimsPrincipal user, NominationDesk desk, HttpContext http, CancellationToken ct) =>
        Handle(async () =>
        {
            await desk.DiscardAsync(Caller.From(user), id, http, ct);
            return TypedResults.NoContent();
        }, "");

    private static Task<IResult> SubmitAsync(Guid id, ClaimsPrincipal user, NominationDesk desk, NominationsDbContext db, HttpContext http, CancellationToken ct) =>
        Handle(async () => TypedResults.Ok(await ViewAsync(db, await desk.SubmitAsync(Caller.From(user), id, http, ct), ct)), "The nomination cannot be submitted.");

    private static Task<IResult> DecideAsync(Guid id, DecisionRequest request, ClaimsPrincipal user, NominationDesk desk, NominationsDbContext db, HttpContext http, CancellationToken ct) =>
        Handle(async () =>
        {
            var caller = Caller.From(user);
            if (!caller.IsDirectoryManager)
            {
                return Forbidden("Only the directory manager decides on nominations.");
            }
            if (!Enum.TryParse<Decision>(request.Decision, ignoreCase: true, out var decision) || !Enum.IsDefined(decision) || int.TryParse(request.Decision, out _))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["decision"] = ["Choose approve, return or reject."] }, title: "The decision cannot be recorded.");
            }
            return TypedResults.Ok(await ViewAsync(db, await desk.DecideAsync(caller, id, decision, request.Reason, request.Revision, http, ct), ct));
        }, "The decision cannot be recorded.");

    private static Task<IResult> WithdrawAsync(Guid pocId, WithdrawalRequest? request, ClaimsPrincipal user, NominationDesk desk, HttpContext http, CancellationToken ct) =>
        Handle(async () => TypedResults.Ok(ListedPocView.From(await desk.WithdrawAsync(Caller.From(user), pocId, request?.Reason, http, ct))), "The withdrawal cannot be recorded.");

    private static async Task<IResult> LookupAsync(ConfirmationLookup request, NominationDesk desk, NominationsDbContext db, HttpContext http, CancellationToken ct)
    {
        var nomination = await desk.FindByConfirmationTokenAsync(request.Token, ct);
        if (nomination is null)
        {
            return NotFound(NominationDesk.ExpiredLinkMessage);
        }
        // Whoever holds the e-mailed link reads the details it confirms: on record, with the address it came from.
        db.AddAuditRecord(ResourceNames.Nominations, "nomination.looked-up", AuditOutcomes.Success, http,
            actor: "confirmation-link", target: nomination.Id.ToString(), state: nomination.State);
        await db.SaveChangesAsync(ct);
        var stateName = await db.MemberStates.Where(s => s.Iso3 == nomination.State).Select(s => s.Name).SingleAsync(ct);
        return TypedResults.Ok(new NomineeView(nomination.State, stateName, nomination.CreatedByName, nomination.Submitted!, nomination.ConfirmationExpiresAt!.Value));
    }

    private static Task<IResult> ConfirmAsync(ConfirmationRequest request, NominationDesk desk, HttpContext http, CancellationToken ct) =>
        Handle(async () =>
        {
            var nomination = await desk.ConfirmAsync(request.Token, request.Consent, http, ct);
            return TypedResults.Ok(new { status = nomination.Status.ToString() });
        }, "The confirmation cannot be recorded.");

    /// <summary>Every State's latest update request for the directory manager; the caller's own State's for a focal point.</summary>
    private static async Task<IResult> UpdateRequestsAsync(string? status, ClaimsPrincipal user, NominationsDbContext db, IOptions<UpdateRequestOptions> options, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var focalPoint = !caller.IsMachine && caller.Roles.Contains(Roles.FocalPoint) && caller.State is not null;
        if (!caller.IsDirectoryManager && !focalPoint)
        {
            return Forbidden("Only the directory manager and States' focal points see update requests.");
        }
        status = string.IsNullOrWhiteSpace(status) ? null : status.Trim().ToLowerInvariant();
        if (status is not null && !UpdateRequestStatus.All.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["status"] = [$"Choose one of {string.Join(", ", UpdateRequestStatus.All)}."],
            }, title: "The update requests cannot be listed.");
        }
        var ownState = caller.IsDirectoryManager ? null : caller.State;
        var latest = db.UpdateRequests.AsNoTracking()
            .Where(r => (ownState == null || r.State == ownState) && !db.UpdateRequests.Any(o => o.State == r.State && o.RequestedAt > r.RequestedAt));
        if (status is not null)
        {
            latest = latest.Where(r => r.Status == status);
        }
        var requests = await latest.Include(r => r.Entries).AsSplitQuery().OrderBy(r => r.State).Take(500).ToListAsync(ct);
        var names = await db.MemberStates.AsNoTracking().ToDictionaryAsync(s => s.Iso3, s => s.Name, ct);
        return TypedResults.Ok(requests.Select(r => UpdateRequestView.From(r, names.GetValueOrDefault(r.State, r.State), options.Value.OverdueAfter).Summary).ToList());
    }

    /// <summary>The State's latest update request with its entries: its focal point and the directory manager.</summary>
    private static async Task<IResult> UpdateRequestAsync(string state, ClaimsPrincipal user, NominationsDbContext db, IOptions<UpdateRequestOptions> options, CancellationToken ct)
    {
        state = state.ToUpperInvariant();
        if (!Caller.From(user).OverseesState(state))
        {
            return Forbidden("Only the State's focal point and the directory manager see its update requests.");
        }
        var request = await db.UpdateRequests.AsNoTracking().Include(r => r.Entries)
            .Where(r => r.State == state).OrderByDescending(r => r.RequestedAt).FirstOrDefaultAsync(ct);
        if (request is null)
        {
            return NotFound($"{state} has not been asked to confirm its entries.");
        }
        var name = await db.MemberStates.Where(s => s.Iso3 == state).Select(s => s.Name).SingleOrDefaultAsync(ct);
        return TypedResults.Ok(UpdateRequestView.From(request, name ?? state, options.Value.OverdueAfter));
    }

    private static Task<IResult> ConfirmEntriesAsync(string state, ConfirmUpdateRequest? request, ClaimsPrincipal user, UpdateRequestDesk desk, NominationsDbContext db,
        IOptions<UpdateRequestOptions> options, HttpContext http, CancellationToken ct) =>
        Handle(async () =>
        {
            var answered = await desk.ConfirmAsync(Caller.From(user), state, request?.PocIds, request?.AllUnchanged ?? false, http, ct);
            var name = await db.MemberStates.Where(s => s.Iso3 == answered.State).Select(s => s.Name).SingleOrDefaultAsync(ct);
            return TypedResults.Ok(UpdateRequestView.From(answered, name ?? answered.State, options.Value.OverdueAfter));
        }, "The confirmation cannot be recorded.");

    private static Task<IResult> StartRoundAsync(StartRoundRequest? request, ClaimsPrincipal user, UpdateRequestDesk desk, HttpContext http, CancellationToken ct) =>
        Handle(async () =>
        {
            var round = await desk.StartRoundAsync(Caller.From(user), request?.States, request?.AllStates ?? false, http, ct);
            return TypedResults.Ok(new RoundStarted(round.Asked, round.States));
        }, "The round cannot be started.");

    private static async Task<NominationView> ViewAsync(NominationsDbContext db, Nomination n, CancellationToken ct)
    {
        var versions = await db.NominationVersions.AsNoTracking().Where(v => v.NominationId == n.Id).OrderBy(v => v.Revision).ToListAsync(ct);
        var history = await db.NominationEvents.AsNoTracking().Where(e => e.NominationId == n.Id).OrderBy(e => e.Id).ToListAsync(ct);
        var listed = n.Kind == NominationKind.Update
            ? await db.ListedPocs.AsNoTracking().Where(p => p.PocId == n.PocId).Select(p => p.Details).SingleOrDefaultAsync(ct)
            : null;
        return new NominationView(NominationSummary.From(n), n.Draft, n.Submitted, listed, n.ConfirmationExpiresAt, n.ConfirmedAt, n.DecidedAt,
            versions.Select(v => new VersionView(v.Revision, v.Details, v.SubmittedByName, v.SubmittedAt)).ToList(),
            history.Select(e => new EventView(e.At, e.ActorName, e.Action, e.Detail)).ToList());
    }

    /// <summary>Field errors → 400 problem details naming each field; refusals → 403/404/409 with the current status.</summary>
    private static async Task<IResult> Handle(Func<Task<IResult>> action, string title)
    {
        try
        {
            return await action();
        }
        catch (FieldErrorsException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors, title: title);
        }
        catch (NominationProblem problem)
        {
            return TypedResults.Problem(title: problem.Title, detail: problem.Message, statusCode: problem.Status,
                extensions: problem.CurrentStatus is null ? null : new Dictionary<string, object?> { ["currentStatus"] = problem.CurrentStatus });
        }
    }

    private static IResult NotFound(string detail) =>
        TypedResults.Problem(title: "Not found.", detail: detail, statusCode: StatusCodes.Status404NotFound);

    private static IResult Forbidden(string detail) =>
        TypedResults.Problem(title: "Not allowed.", detail: detail, statusCode: StatusCodes.Status403Forbidden);
}
