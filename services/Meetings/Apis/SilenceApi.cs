using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Letters;
using PocDirectory.Meetings.Silence;

namespace PocDirectory.Meetings.Apis;

/// <summary>A procedure in the record: what was proposed, until when, and how it ended.</summary>
public sealed record SilenceSummary(
    Guid Id, string Subject, string Proposal, string Status, DateTimeOffset ExpiresAt, string Expiry, DateTimeOffset CirculatedAt, DateTimeOffset? DecidedAt, bool IsPublic);

/// <summary>A State's objection as Member States see it; who sent it (the delegate's account) only for the Chair's office and the Secretariat.</summary>
public sealed record ObjectionView(
    Guid Id, string State, string StateName, string Letter, string? Paragraphs, string? Amendment, DateTimeOffset ReceivedAt, DateTimeOffset? WithdrawnAt, string? ReceivedFrom,
    SilenceFileView? File = null);

/// <summary>A file of a procedure as listed: a version of the proposal's document, or an objection's file (downloaded on its own).</summary>
public sealed record SilenceFileView(int Version, string FileName, string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt)
{
    public static SilenceFileView From(SilenceFile f) => new(f.Version, f.FileName, f.ContentType, f.Size, f.Sha256, f.UploadedAt);
}

/// <summary>
/// A silence procedure: the proposal (its paragraphs numbered), the expiry as an instant and in the letters' words,
/// the outcome, the letters sent to the missions; for signed-in people the objections and the States that broke silence.
/// </summary>
public sealed record SilenceView(
    Guid Id, string Subject, string Proposal, IReadOnlyList<string> Paragraphs, string Status, string StatusName, DateTimeOffset ExpiresAt, string Expiry,
    string Zone, bool IsPublic, DateTimeOffset CirculatedAt, int Extensions, DateTimeOffset? DecidedAt, DateTimeOffset? AnnouncedAt,
    IReadOnlyList<Guid> Letters, IReadOnlyList<string>? BrokenBy, IReadOnlyList<ObjectionView>? Objections, int Revision, DateTimeOffset Now,
    IReadOnlyList<SilenceFileView>? Documents = null);

/// <summary>
/// Decisions by silence. The Chair's office (and the directory manager) places a proposal under silence, which
/// e-mails every Permanent Mission a letter stating the exact expiry; a State's delegate objects in writing before
/// the expiry, or withdraws its State's objection; the outcome is decided at the expiry by <see cref="SilenceDeadlines"/>.
/// An objection is received only while the procedure's row is held and the clock is before the expiry, so one
/// received is counted and one refused never is. The public reads public proposals and their outcome.
/// </summary>
public static class SilenceApi
{
    public static void MapSilenceApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/meetings/silence-procedures").WithTags("Silence procedures");
        api.MapGet("/", ListAsync).AllowAnonymousReadingToken().NotAudited("the record of silence procedures: no contact data")
            .WithSummary("Silence procedures: public ones (proposal, expiry, outcome) without a token, all for signed-in people").Produces<List<SilenceSummary>>();
        api.MapGet("/{id:guid}", ProcedureAsync).AllowAnonymousReadingToken().NotAudited("a silence procedure: no contact data")
            .WithSummary("A procedure; its objections for signed-in people").Produces<SilenceView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/", PlaceAsync).AuditedByHandler("silence.circulated")
            .WithSummary("Place a proposal under silence and circulate it to every Permanent Mission (Chair's office)")
            .Produces<SilenceView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/objections", ObjectAsync).AuditedByHandler("silence.objected")
            .WithSummary("Break silence: a written objection of the delegate's State, before the expiry")
            .Produces<ObjectionView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/{id:guid}/objections/{objectionId:guid}", WithdrawObjectionAsync).AuditedByHandler("silence.objection-withdrawn")
            .WithSummary("Withdraw the State's own objection, before the expiry").Produces<ObjectionView>().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/extension", ExtendAsync).AuditedByHandler("silence.extended")
            .WithSummary("Move the expiry later; every mission is told (Chair's office)").Produces<SilenceView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/withdrawal", WithdrawAsync).AuditedByHandler("silence.withdrawn")
            .WithSummary("Withdraw the proposal before the expiry; every mission is told (Chair's office)").Produces<SilenceView>().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/announcement", AnnounceAsync).AuditedByHandler("silence.announced")
            .WithSummary("Tell every mission that silence was broken, and by whom (Chair's office)").Produces<SilenceView>().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapSilenceFiles();
    }

    internal static bool Places(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && MeetingsApi.Schedules(Caller.From(user));


    internal static IResult NoProcedure() =>
        TypedResults.Problem(title: "No such silence procedure.", detail: "No silence procedure with this id is visible to you.", statusCode: StatusCodes.Status404NotFound);

    internal static bool Visible(SilenceProcedure procedure, ClaimsPrincipal user) => procedure.IsPublic || Problems.SignedInPerson(user);

    private static SilenceSummary Summary(SilenceProcedure p) =>
        new(p.Id, p.Subject, p.Proposal, p.Status, p.ExpiresAt, SilenceLetters.Describe(p.ExpiresAt, p.Zone), p.CirculatedAt, p.DecidedAt, p.IsPublic);

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        var signedIn = Problems.SignedInPerson(user);
        var procedures = await db.SilenceProcedures.AsNoTracking().Where(p => p.IsPublic || signedIn)
            .OrderByDescending(p => p.CirculatedAt).ToListAsync(ct);
        return TypedResults.Ok(procedures.Select(Summary).ToList());
    }

    internal static async Task<SilenceView> ViewAsync(MeetingsDbContext db, SilenceProcedure p, ClaimsPrincipal user, DateTimeOffset now, CancellationToken ct)
    {
        List<ObjectionView>? objections = null;
        // The files as listed, never their content: the proposal's document's versions, and the objections' files for those who see objections.
        var files = (await db.SilenceFiles.AsNoTracking().Where(f => f.ProcedureId == p.Id).OrderBy(f => f.Version)
            .Select(f => new { f.ObjectionId, View = new SilenceFileView(f.Version, f.FileName, f.ContentType, f.Size, f.Sha256, f.UploadedAt) }).ToListAsync(ct));
        if (Problems.SignedInPerson(user))
        {
            var names = await db.MemberStates.AsNoTracking().ToDictionaryAsync(s => s.Iso3, s => s.Name, ct);
            var who = Places(user);
            var objectionFiles = files.Where(f => f.ObjectionId is not null).ToDictionary(f => f.ObjectionId!.Value, f => f.View);
            objections = (await db.SilenceObjections.AsNoTracking().Where(o => o.ProcedureId == p.Id).OrderBy(o => o.ReceivedAt).ToListAsync(ct))
                .Select(o => new ObjectionView(o.Id, o.State, names.GetValueOrDefault(o.State, o.State), o.Letter, o.Paragraphs, o.Amendment, o.ReceivedAt, o.WithdrawnAt,
                    who ? o.ReceivedFrom : null, objectionFiles.GetValueOrDefault(o.Id)))
                .ToList();
        }
        return new SilenceView(p.Id, p.Subject, p.Proposal, SilenceLetters.Paragraphs(p.Proposal), p.Status, SilenceStatuses.DisplayName(p.Status), p.ExpiresAt,
            SilenceLetters.Describe(p.ExpiresAt, p.Zone), p.Zone, p.IsPublic, p.CirculatedAt, p.Extensions, p.DecidedAt, p.AnnouncedAt,
            Problems.SignedInPerson(user) ? p.Letters : await PublicLettersAsync(db, p, ct),
            objections is null ? null : p.BrokenBy, objections, p.Revision, now, files.Where(f => f.ObjectionId is null).Select(f => f.View).ToList());
    }

    private static Task<List<Guid>> PublicLettersAsync(MeetingsDbContext db, SilenceProcedure p, CancellationToken ct) =>
        db.Letters.AsNoTracking().Where(l => p.Letters.Contains(l.Id) && l.IsPublic).OrderBy(l => l.SentAt).Select(l => l.Id).ToListAsync(ct);

    private static async Task<IResult> ProcedureAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var procedure = await db.SilenceProcedures.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        return procedure is not null && Visible(procedure, user) ? TypedResults.Ok(await ViewAsync(db, procedure, user, clock.GetUtcNow(), ct)) : NoProcedure();
    }

    private static async Task<IResult> PlaceAsync(
        SilenceRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!Places(user))
        {
            return Problems.NotAllowed("Proposals are placed under silence by the Chair's office.");
        }
        request ??= new SilenceRequest(null, null, null, null);
        var now = clock.GetUtcNow();
        var errors = new FieldErrors();
        var subject = SilenceRules.Text(errors, "subject", request.Subject, SilenceRules.SubjectLength, required: true, lines: false, "Give the proposal's subject.");
        var proposal = SilenceRules.Text(errors, "proposal", request.Proposal, SilenceRules.ProposalLength, required: true, lines: true, "Write the proposal's text.");
        var expiry = SilenceRules.Expiry(errors, request.ExpiryDate, request.ExpiryTime, request.Zone);
        if (request.IsPublic is null)
        {
            // Nothing is published by leaving a field out: the caller says it (the Web's form says public unless restricted).
            errors.Add("isPublic", "Say whether the proposal is public: true (anyone reads it and its outcome, never the objections) or false (signed-in people only).");
        }
        var minimum = SilenceRules.Minimum(configuration);
        if (expiry is { } e && e.At < now + minimum)
        {
            errors.Add("expiryDate", $"Silence must last at least {minimum.TotalHours:0} hours: give an expiry after {SilenceLetters.Describe(now + minimum, e.Zone)}.");
        }
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The proposal cannot be placed under silence so.");
        }
        var missions = await MissionList.LoadAsync(db, ct);
        if (!missions.Complete)
        {
            return Problems.Conflict("The list of States is not complete yet.", missions.IncompleteDetail("a proposal under silence"));
        }
        if (!missions.AnyAddress)
        {
            return Problems.Conflict("No mission has an address.", "Give the Permanent Missions their official addresses before circulating a proposal.");
        }
        var by = Caller.From(user).Subject;
        var procedure = new SilenceProcedure
        {
            Subject = subject!, Proposal = proposal!, ExpiresAt = expiry!.Value.At, Zone = expiry.Value.Zone, IsPublic = request.IsPublic == true,
            CirculatedAt = now, CirculatedBy = by, UpdatedAt = now,
        };
        db.SilenceProcedures.Add(procedure);
        SilenceLetters.Send(db, procedure, SilenceLetters.Circulation(procedure, now, by), missions, AuthenticationExtensions.WebUrl(configuration), now);
        db.AddAuditRecord(ResourceNames.Meetings, "silence.circulated", AuditOutcomes.Success, http, target: procedure.Id.ToString(),
            detail: $"expires {procedure.ExpiresAt:O}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("This proposal is under silence already.",
                "A proposal with this subject and this expiry was circulated already (a request sent twice?): nothing was sent again. Look at the silence procedures.");
        }
        return TypedResults.Created($"/api/meetings/silence-procedures/{procedure.Id}", await ViewAsync(db, procedure, user, now, ct));
    }

    /// <summary>Holds the procedure's row until the transaction ends: FOR SHARE for an objection (many at once), FOR UPDATE for the Chair's acts.</summary>
    internal static Task HoldAsync(MeetingsDbContext db, Guid id, bool exclusive, CancellationToken ct) => exclusive
        ? db.Database.ExecuteSqlAsync($"""SELECT 1 FROM silence_procedures WHERE "Id" = {id} FOR UPDATE""", ct)
        : db.Database.ExecuteSqlAsync($"""SELECT 1 FROM silence_procedures WHERE "Id" = {id} FOR SHARE""", ct);

    /// <summary>Why nothing can be done to a procedure any more: its outcome, or its expiry reached (the outcome is being decided).</summary>
    internal static IResult? Closed(SilenceProcedure procedure, DateTimeOffset now, string what)
    {
        if (procedure.Status != SilenceStatuses.UnderSilence)
        {
            return Problems.Conflict("The silence procedure has ended.",
                $"It ended on {SilenceLetters.Describe(procedure.DecidedAt ?? procedure.ExpiresAt, procedure.Zone)}: {SilenceStatuses.DisplayName(procedure.Status).ToLowerInvariant()}. {what}");
        }
        if (now >= procedure.ExpiresAt)
        {
            return Problems.Conflict("Silence has expired.",
                $"It expired on {SilenceLetters.Describe(procedure.ExpiresAt, procedure.Zone)}; it is now {SilenceLetters.Describe(now, procedure.Zone)}. {what}");
        }
        return null;
    }

    private static async Task<IResult> ObjectAsync(
        Guid id, ObjectionRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (Problems.DelegateState(user) is not { } state)
        {
            return Problems.NotAllowed("Silence is broken by a Member State, through its delegate.");
        }
        return await ReceiveObjectionAsync(id, state, Caller.From(user).Subject ?? "", request, db, clock, configuration, http, ct);
    }

    /// <summary>
    /// Receives a State's objection (its delegate's right to send it already checked): while the procedure's row is held
    /// FOR SHARE, the clock is read and must be before the expiry; the objection, the Chair's office's notice and the audit
    /// record are committed together. Created with the objection, or the refusal.
    /// </summary>
    public static async Task<IResult> ReceiveObjectionAsync(
        Guid id, string state, string from, ObjectionRequest? request, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext? http, CancellationToken ct)
    {
        // Once the clock has reached the expiry nothing can be received: refused without holding the row, so that a burst of late
        // objections never keeps the decision waiting.
        var expiry = await db.SilenceProcedures.AsNoTracking().Where(p => p.Id == id).Select(p => (DateTimeOffset?)p.ExpiresAt).SingleOrDefaultAsync(ct);
        if (expiry is { } expires && clock.GetUtcNow() >= expires)
        {
            var late = clock.GetUtcNow();
            var ended = await db.SilenceProcedures.AsNoTracking().SingleAsync(p => p.Id == id, ct);
            // The refusal is on record with its instant, in a write of its own that does not wait for the decision.
            db.AddAuditRecord(ResourceNames.Meetings, "silence.objected", AuditOutcomes.Failure, http, target: id.ToString(), state: state, detail: $"refused at {late:O}");
            await db.SaveChangesAsync(ct);
            return Closed(ended, late, "An objection is received only before the expiry.")!;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await HoldAsync(db, id, exclusive: false, ct);
        // The clock is read while the row is held: the decision at the expiry waits for this objection, or this one sees it made.
        var now = clock.GetUtcNow();
        var procedure = await db.SilenceProcedures.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (procedure is null)
        {
            return NoProcedure();
        }
        // The objecting State alone is read (not the whole list): this runs for every objection, up to the last second.
        var own = await db.MemberStates.AsNoTracking().Where(s => s.Iso3 == state).Select(s => new { s.Name, s.UnStatus }).SingleOrDefaultAsync(ct);
        var name = own?.Name ?? state;
        if (own?.UnStatus != "Member")
        {
            return Problems.NotAllowed($"A silence procedure decides between Member States: {name} is not a Member State.");
        }
        if (Closed(procedure, now, "An objection is received only before the expiry.") is { } closed)
        {
            db.AddAuditRecord(ResourceNames.Meetings, "silence.objected", AuditOutcomes.Failure, http, target: id.ToString(), state: state, detail: $"refused at {now:O}");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return closed;
        }
        request ??= new ObjectionRequest(null);
        var errors = new FieldErrors();
        var letter = SilenceRules.Text(errors, "letter", request.Letter, SilenceRules.LetterLength, required: true, lines: true,
            "Write the objection: the letter by which the State breaks silence.");
        var paragraphs = SilenceRules.Paragraphs(errors, request.Paragraphs, SilenceLetters.Paragraphs(procedure.Proposal).Count);
        var amendment = SilenceRules.Text(errors, "amendment", request.Amendment, SilenceRules.LetterLength, required: false, lines: true, "");
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The objection cannot be received so.");
        }
        if (await db.SilenceObjections.AnyAsync(o => o.ProcedureId == id && o.State == state && o.WithdrawnAt == null, ct))
        {
            return Problems.Conflict("Your State's objection stands already.", "One objection stands per State: withdraw it first to send another.");
        }
        var objection = new SilenceObjection
        {
            ProcedureId = id, State = state, Letter = letter!, Paragraphs = paragraphs, Amendment = amendment, ReceivedAt = now,
            ReceivedFrom = from,
        };
        db.SilenceObjections.Add(objection);
        ChairOfficeNotice.Send(db, configuration, procedure, $"objection {objection.Id}", $"Silence broken by {name}: {procedure.Subject}",
            $"{name} objected to the proposal on {procedure.Subject} on {SilenceLetters.Describe(now, procedure.Zone)}"
            + $"{(paragraphs is null ? "" : $", concerning paragraphs {paragraphs}")}{(amendment is null ? "" : ", proposing an amendment")}."
            + $" Silence expires on {SilenceLetters.Describe(procedure.ExpiresAt, procedure.Zone)}; unless the objection is withdrawn before then, the proposal will not be adopted.");
        db.AddAuditRecord(ResourceNames.Meetings, "silence.objected", AuditOutcomes.Success, http, target: id.ToString(), state: state, detail: $"objection {objection.Id} at {now:O}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("Your State's objection stands already.", "Another delegate of your State objected at the same moment; one objection stands per State.");
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/meetings/silence-procedures/{id}", new ObjectionView(objection.Id, state, name, objection.Letter, paragraphs, amendment, now, null, null));
    }

    private static async Task<IResult> WithdrawObjectionAsync(
        Guid id, Guid objectionId, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (Problems.DelegateState(user) is not { } state)
        {
            return Problems.NotAllowed("An objection is withdrawn by its State's delegate.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await HoldAsync(db, id, exclusive: false, ct);
        var now = clock.GetUtcNow();
        var procedure = await db.SilenceProcedures.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        // Another State's objection is not the delegate's to see by id: the same answer as none.
        var objection = procedure is null ? null : await db.SilenceObjections.SingleOrDefaultAsync(o => o.Id == objectionId && o.ProcedureId == id && o.State == state, ct);
        if (procedure is null || objection is null)
        {
            return TypedResults.Problem(title: "No such objection.", detail: "Your State has no objection with this id in this procedure.", statusCode: StatusCodes.Status404NotFound);
        }
        if (objection.WithdrawnAt is not null)
        {
            return Problems.Conflict("The objection was withdrawn already.", $"It was withdrawn on {SilenceLetters.Describe(objection.WithdrawnAt.Value, procedure.Zone)}.");
        }
        if (Closed(procedure, now, "An objection is withdrawn only before the expiry: it counted.") is { } closed)
        {
            return closed;
        }
        // Two withdrawals at once: one changes the row, the other finds it withdrawn.
        if (await db.SilenceObjections.Where(o => o.Id == objection.Id && o.WithdrawnAt == null).ExecuteUpdateAsync(set => set.SetProperty(o => o.WithdrawnAt, now), ct) == 0)
        {
            return Problems.Conflict("The objection was withdrawn already.", "It was withdrawn at the same moment.");
        }
        var name = await db.MemberStates.AsNoTracking().Where(s => s.Iso3 == state).Select(s => s.Name).SingleOrDefaultAsync(ct) ?? state;
        ChairOfficeNotice.Send(db, configuration, procedure, $"withdrawn {objection.Id}", $"{name} withdrew its objection: {procedure.Subject}",
            $"{name} withdrew its objection to the proposal on {procedure.Subject} on {SilenceLetters.Describe(now, procedure.Zone)}.");
        db.AddAuditRecord(ResourceNames.Meetings, "silence.objection-withdrawn", AuditOutcomes.Success, http, target: id.ToString(), state: state, detail: $"objection {objection.Id}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new ObjectionView(objection.Id, state, name, objection.Letter, objection.Paragraphs, objection.Amendment, objection.ReceivedAt, now, null));
    }

    /// <summary>The procedure for one of the Chair's acts, held FOR UPDATE, at the revision read.</summary>
    internal static async Task<(SilenceProcedure? Procedure, IResult? Refusal)> ForChairAsync(Guid id, int? revision, MeetingsDbContext db, CancellationToken ct)
    {
        await HoldAsync(db, id, exclusive: true, ct);
        var procedure = await db.SilenceProcedures.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (procedure is null)
        {
            return (null, NoProcedure());
        }
        if (revision is null)
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["revision"] = ["Give the revision of the procedure you read, so that you act on what you saw."],
            }, title: "The request cannot be read so."));
        }
        return revision != procedure.Revision
            ? (null, Problems.Conflict("The procedure has changed since you read it.", $"You read revision {revision}; it is at revision {procedure.Revision} now. Read it again."))
            : (procedure, null);
    }

    private static async Task<IResult> ExtendAsync(
        Guid id, ExtensionRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!Places(user))
        {
            return Problems.NotAllowed("Silence is extended by the Chair's office.");
        }
        request ??= new ExtensionRequest(null, null, null);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (procedure, refusal) = await ForChairAsync(id, request.Revision, db, ct);
        if (procedure is null)
        {
            return refusal!;
        }
        var now = clock.GetUtcNow();
        if (Closed(procedure, now, "Only silence still running can be extended.") is { } closed)
        {
            return closed;
        }
        var errors = new FieldErrors();
        var expiry = SilenceRules.Expiry(errors, request.ExpiryDate, request.ExpiryTime, procedure.Zone);
        var note = SilenceRules.Text(errors, "note", request.Note, SilenceRules.NoteLength, required: false, lines: true, "");
        if (expiry is { } e && e.At <= procedure.ExpiresAt)
        {
            errors.Add("expiryDate", $"An extension moves the expiry later than {SilenceLetters.Describe(procedure.ExpiresAt, procedure.Zone)}.");
        }
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Silence cannot be extended so.");
        }
        var missions = await MissionList.LoadAsync(db, ct);
        if (!missions.Complete)
        {
            return Problems.Conflict("The list of States is not complete yet.", missions.IncompleteDetail("the letter of an extension"));
        }
        var previous = procedure.ExpiresAt;
        procedure.ExpiresAt = expiry!.Value.At;
        procedure.Extensions++;
        procedure.Revision++;
        procedure.UpdatedAt = now;
        var by = Caller.From(user).Subject;
        SilenceLetters.Send(db, procedure, SilenceLetters.Extension(procedure, previous, note, now, by), missions, AuthenticationExtensions.WebUrl(configuration), now);
        db.AddAuditRecord(ResourceNames.Meetings, "silence.extended", AuditOutcomes.Success, http, target: id.ToString(), detail: $"from {previous:O} to {procedure.ExpiresAt:O}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("Another proposal with this subject expires then.", "Choose another expiry: two proposals under silence with the same subject cannot expire at the same instant.");
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, procedure, user, now, ct));
    }

    private static async Task<IResult> WithdrawAsync(
        Guid id, ChairNoteRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!Places(user))
        {
            return Problems.NotAllowed("A proposal is withdrawn by the Chair's office.");
        }
        request ??= new ChairNoteRequest(null);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (procedure, refusal) = await ForChairAsync(id, request.Revision, db, ct);
        if (procedure is null)
        {
            return refusal!;
        }
        var now = clock.GetUtcNow();
        if (Closed(procedure, now, "Only a proposal still under silence can be withdrawn.") is { } closed)
        {
            return closed;
        }
        var errors = new FieldErrors();
        var note = SilenceRules.Text(errors, "note", request.Note, SilenceRules.NoteLength, required: false, lines: true, "");
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The proposal cannot be withdrawn so.");
        }
        var missions = await MissionList.LoadAsync(db, ct);
        if (!missions.Complete)
        {
            return Problems.Conflict("The list of States is not complete yet.", missions.IncompleteDetail("the letter of a withdrawal"));
        }
        procedure.Status = SilenceStatuses.Withdrawn;
        procedure.DecidedAt = now;
        procedure.AnnouncedAt = now;
        procedure.Revision++;
        procedure.UpdatedAt = now;
        SilenceLetters.Send(db, procedure, SilenceLetters.Withdrawal(procedure, note, now, Caller.From(user).Subject), missions, AuthenticationExtensions.WebUrl(configuration), now);
        db.AddAuditRecord(ResourceNames.Meetings, "silence.withdrawn", AuditOutcomes.Success, http, target: id.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, procedure, user, now, ct));
    }

    private static async Task<IResult> AnnounceAsync(
        Guid id, ChairNoteRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!Places(user))
        {
            return Problems.NotAllowed("The outcome is announced by the Chair's office.");
        }
        request ??= new ChairNoteRequest(null);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (procedure, refusal) = await ForChairAsync(id, request.Revision, db, ct);
        if (procedure is null)
        {
            return refusal!;
        }
        if (procedure.Status != SilenceStatuses.Broken)
        {
            return Problems.Conflict("There is no broken silence to announce.", procedure.Status == SilenceStatuses.UnderSilence
                ? $"Silence runs until {SilenceLetters.Describe(procedure.ExpiresAt, procedure.Zone)}; its outcome is decided then."
                : $"The procedure ended: {SilenceStatuses.DisplayName(procedure.Status).ToLowerInvariant()}, and the missions were told.");
        }
        if (procedure.AnnouncedAt is { } announced)
        {
            return Problems.Conflict("The outcome was announced already.", $"Every mission was told on {SilenceLetters.Describe(announced, procedure.Zone)}.");
        }
        var errors = new FieldErrors();
        var note = SilenceRules.Text(errors, "note", request.Note, SilenceRules.NoteLength, required: false, lines: true, "");
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The outcome cannot be announced so.");
        }
        var now = clock.GetUtcNow();
        var missions = await MissionList.LoadAsync(db, ct);
        if (!missions.Complete)
        {
            return Problems.Conflict("The list of States is not complete yet.", missions.IncompleteDetail("the announcement"));
        }
        var names = missions.States.ToDictionary(s => s.Iso3, s => s.Name);
        procedure.AnnouncedAt = now;
        procedure.Revision++;
        procedure.UpdatedAt = now;
        SilenceLetters.Send(db, procedure, SilenceLetters.NotAdopted(procedure, names, note, now, Caller.From(user).Subject), missions, AuthenticationExtensions.WebUrl(configuration), now);
        db.AddAuditRecord(ResourceNames.Meetings, "silence.announced", AuditOutcomes.Success, http, target: id.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, procedure, user, now, ct));
    }
}
