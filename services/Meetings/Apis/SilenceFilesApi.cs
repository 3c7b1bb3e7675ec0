using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Meetings.Documents;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Letters;
using PocDirectory.Meetings.Silence;

namespace PocDirectory.Meetings.Apis;

/// <summary>
/// The files of a silence procedure. The Chair's office circulates the proposal's document, in versions: each version is
/// sent to every Permanent Mission by letter, and is read by whoever reads the procedure. A State's delegate adds its
/// objection's file (one per objection, before the expiry), read by signed-in people as the objections are. Uploads are
/// the request's body, as a meeting's documents are: of a kind recognised by its content, within <c>Meetings:DocumentMaxBytes</c>.
/// </summary>
public static class SilenceFilesApi
{
    public static void MapSilenceFiles(this RouteGroupBuilder api)
    {
        api.MapPost("/{id:guid}/documents", CirculateDocumentAsync).AuditedByHandler("silence.document-circulated")
            .WithSummary("Circulate a version of the proposal's document (the file as the body; fileName and revision in the query); every mission is told (Chair's office)")
            .Produces<SilenceView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/{id:guid}/documents/{version:int}/file", DocumentAsync).AllowAnonymousReadingToken().NotAudited("a proposal's document, as public as the proposal")
            .WithSummary("A version of the proposal's document").Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id:guid}/objections/{objectionId:guid}/file", AttachAsync).AuditedByHandler("silence.objection-file")
            .WithSummary("Add the file of the State's objection (the file as the body, fileName in the query), before the expiry")
            .Produces<ObjectionView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/{id:guid}/objections/{objectionId:guid}/file", ObjectionFileAsync).NotAudited("an objection's file: a State's letter, no contact data")
            .WithSummary("An objection's file (signed-in people)").Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult NoFile() =>
        TypedResults.Problem(title: "No such file.", detail: "The procedure has no file here that you may read.", statusCode: StatusCodes.Status404NotFound);

    private static SilenceFile File(Guid procedure, Guid? objection, int version, string fileName, string type, byte[] content, string by, DateTimeOffset now) => new()
    {
        ProcedureId = procedure, ObjectionId = objection, Version = version, FileName = fileName, ContentType = type, Size = content.Length,
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)), Content = content, UploadedAt = now, UploadedBy = by,
    };

    private static async Task<IResult> CirculateDocumentAsync(
        Guid id, string? fileName, int? revision, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http,
        CancellationToken ct)
    {
        var max = DocumentsApi.MaxBytes(configuration);
        DocumentsApi.RaiseLimit(http, max);
        if (!SilenceApi.Places(user))
        {
            return await DocumentsApi.RefuseAsync(http, Problems.NotAllowed("The proposal's document is circulated by the Chair's office."), ct);
        }
        if (DocumentFiles.CleanName(fileName) is not { } name)
        {
            return await DocumentsApi.RefuseAsync(http, TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["fileName"] = ["Give the file's name (e.g. proposal-rev1.pdf), at most 200 characters: its extension says what it is."],
            }, title: "The document cannot be circulated."), ct);
        }
        // The file is read whole before the procedure is held: a slow upload holds no row.
        var (content, type, refusal) = await DocumentsApi.ReadFileAsync(http, name, max, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (procedure, problem) = await SilenceApi.ForChairAsync(id, revision, db, ct);
        if (procedure is null)
        {
            return problem!;
        }
        var now = clock.GetUtcNow();
        if (SilenceApi.Closed(procedure, now, "A document is circulated while silence runs.") is { } closed)
        {
            return closed;
        }
        var missions = await MissionList.LoadAsync(db, ct);
        if (!missions.Complete)
        {
            return Problems.Conflict("The list of States is not complete yet.", missions.IncompleteDetail("the letter of a document"));
        }
        var by = Caller.From(user).Subject;
        procedure.DocumentVersion++;
        procedure.Revision++;
        procedure.UpdatedAt = now;
        db.SilenceFiles.Add(File(id, null, procedure.DocumentVersion, name, type!, content!, by, now));
        var web = AuthenticationExtensions.WebUrl(configuration);
        SilenceLetters.Send(db, procedure, SilenceLetters.Document(procedure, name, web, now, by), missions, web, now);
        db.AddAuditRecord(ResourceNames.Meetings, "silence.document-circulated", AuditOutcomes.Success, http, target: id.ToString(),
            detail: $"version {procedure.DocumentVersion}; {content!.Length} bytes");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/meetings/silence-procedures/{id}/documents/{procedure.DocumentVersion}/file", await SilenceApi.ViewAsync(db, procedure, user, now, ct));
    }

    private static async Task<IResult> DocumentAsync(Guid id, int version, ClaimsPrincipal user, MeetingsDbContext db, HttpContext http, CancellationToken ct)
    {
        var procedure = await db.SilenceProcedures.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (procedure is null || !SilenceApi.Visible(procedure, user))
        {
            return SilenceApi.NoProcedure();
        }
        var file = await db.SilenceFiles.AsNoTracking().Where(f => f.ProcedureId == id && f.ObjectionId == null && f.Version == version)
            .Select(f => new { f.Id, f.FileName, f.ContentType, f.Sha256 }).SingleOrDefaultAsync(ct);
        return file is null ? NoFile() : await DocumentsApi.SendFileAsync(http, file.FileName, file.ContentType, file.Sha256, procedure.IsPublic,
            token => db.SilenceFiles.AsNoTracking().Where(f => f.Id == file.Id).Select(f => f.Content).SingleAsync(token), ct);
    }

    private static async Task<IResult> AttachAsync(
        Guid id, Guid objectionId, string? fileName, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http,
        CancellationToken ct)
    {
        var max = DocumentsApi.MaxBytes(configuration);
        DocumentsApi.RaiseLimit(http, max);
        if (Problems.DelegateState(user) is not { } state)
        {
            return await DocumentsApi.RefuseAsync(http, Problems.NotAllowed("An objection's file is added by its State's delegate."), ct);
        }
        if (DocumentFiles.CleanName(fileName) is not { } name)
        {
            return await DocumentsApi.RefuseAsync(http, TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["fileName"] = ["Give the file's name (e.g. objection.pdf), at most 200 characters: its extension says what it is."],
            }, title: "The file cannot be added."), ct);
        }
        var (content, type, refusal) = await DocumentsApi.ReadFileAsync(http, name, max, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        // Once the clock has reached the expiry nothing is added: refused without holding the row, as a late objection is, so that
        // late uploads never keep the decision waiting.
        if (await db.SilenceProcedures.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct) is { } ended
            && SilenceApi.Closed(ended, clock.GetUtcNow(), "An objection's file is added before the expiry.") is { } late)
        {
            return late;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // As an objection is received: the procedure held FOR SHARE, the clock read after, so the file is on record before the expiry or
        // not at all; the objection held too, so that a withdrawal at the same moment comes before (and the file is refused) or after.
        await SilenceApi.HoldAsync(db, id, exclusive: false, ct);
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM silence_objections WHERE "Id" = {objectionId} FOR SHARE""", ct);
        var now = clock.GetUtcNow();
        var procedure = await db.SilenceProcedures.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        // Another State's objection is not the delegate's to see by id: the same answer as none.
        var objection = procedure is null ? null
            : await db.SilenceObjections.AsNoTracking().SingleOrDefaultAsync(o => o.Id == objectionId && o.ProcedureId == id && o.State == state, ct);
        if (procedure is null || objection is null)
        {
            return TypedResults.Problem(title: "No such objection.", detail: "Your State has no objection with this id in this procedure.", statusCode: StatusCodes.Status404NotFound);
        }
        if (objection.WithdrawnAt is not null)
        {
            return Problems.Conflict("The objection was withdrawn.", "A file is added to an objection that stands.");
        }
        if (SilenceApi.Closed(procedure, now, "An objection's file is added before the expiry.") is { } closed)
        {
            return closed;
        }
        if (await db.SilenceFiles.AnyAsync(f => f.ObjectionId == objectionId, ct))
        {
            return Problems.Conflict("The objection has its file already.", "One file goes with an objection: withdraw the objection and send another to change it.");
        }
        var file = File(id, objectionId, 1, name, type!, content!, Caller.From(user).Subject ?? "", now);
        db.SilenceFiles.Add(file);
        db.AddAuditRecord(ResourceNames.Meetings, "silence.objection-file", AuditOutcomes.Success, http, target: id.ToString(), state: state,
            detail: $"objection {objectionId}; {content!.Length} bytes");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("The objection has its file already.", "Another file was added to it at the same moment.");
        }
        await transaction.CommitAsync(ct);
        var stateName = await db.MemberStates.AsNoTracking().Where(s => s.Iso3 == state).Select(s => s.Name).SingleOrDefaultAsync(ct) ?? state;
        return TypedResults.Created($"/api/meetings/silence-procedures/{id}/objections/{objectionId}/file", new ObjectionView(
            objection.Id, state, stateName, objection.Letter, objection.Paragraphs, objection.Amendment, objection.ReceivedAt, null, null, SilenceFileView.From(file)));
    }

    private static async Task<IResult> ObjectionFileAsync(Guid id, Guid objectionId, ClaimsPrincipal user, MeetingsDbContext db, HttpContext http, CancellationToken ct)
    {
        // Objections are for signed-in people, as on the procedure's page.
        if (!Problems.SignedInPerson(user))
        {
            return Problems.NotAllowed("The objections are read by signed-in people.");
        }
        var file = await db.SilenceFiles.AsNoTracking().Where(f => f.ProcedureId == id && f.ObjectionId == objectionId)
            .Select(f => new { f.Id, f.FileName, f.ContentType, f.Sha256 }).SingleOrDefaultAsync(ct);
        return file is null ? NoFile() : await DocumentsApi.SendFileAsync(http, file.FileName, file.ContentType, file.Sha256, isPublic: false,
            token => db.SilenceFiles.AsNoTracking().Where(f => f.Id == file.Id).Select(f => f.Content).SingleAsync(token), ct);
    }
}
