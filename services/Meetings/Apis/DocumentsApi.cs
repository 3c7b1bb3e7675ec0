using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Meetings.Documents;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Apis;

public sealed record DocumentVersionView(int Version, string FileName, string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt);

public sealed record DocumentView(
    Guid Id, Guid MeetingId, string Kind, string KindName, string Title, bool IsPublic, int LatestVersion, DateTimeOffset UpdatedAt,
    IReadOnlyList<DocumentVersionView> Versions);

/// <summary>
/// A meeting's documents. The Chair's office (and the Secretariat) upload a file as the request's body, with
/// its name, title and kind in the query; a new version of a document the same way. Anyone reads the public
/// documents of a public meeting; signed-in people read every document. Files are checked by their content
/// (<see cref="DocumentFiles"/>) and their size (<c>Meetings:DocumentMaxBytes</c>, 10 MB by default).
/// </summary>
public static class DocumentsApi
{
    public const long DefaultMaxBytes = 10 * 1024 * 1024;

    public static long MaxBytes(IConfiguration configuration) =>
        long.TryParse(configuration["Meetings:DocumentMaxBytes"], NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0 ? max : DefaultMaxBytes;

    public static void MapDocumentsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/meetings/{id:guid}/documents").WithTags("Documents");
        api.MapGet("/", ListAsync).AllowAnonymousReadingToken().NotAudited("a meeting's documents: no contact data")
            .WithSummary("The meeting's documents the caller may read (the public ones of a public meeting without a token)")
            .Produces<List<DocumentView>>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{documentId:guid}/file", (Guid id, Guid documentId, ClaimsPrincipal user, MeetingsDbContext db, HttpContext http, CancellationToken ct) =>
                FileAsync(id, documentId, null, user, db, http, ct))
            .AllowAnonymousReadingToken().NotAudited("a meeting's document: no contact data")
            .WithSummary("The latest version of a document's file").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{documentId:guid}/versions/{version:int}/file", (Guid id, Guid documentId, int version, ClaimsPrincipal user, MeetingsDbContext db, HttpContext http, CancellationToken ct) =>
                FileAsync(id, documentId, version, user, db, http, ct))
            .AllowAnonymousReadingToken().NotAudited("a meeting's document: no contact data")
            .WithSummary("One version of a document's file").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/", UploadAsync).AuditedByHandler("document.uploaded")
            .WithSummary("Upload a document: the file is the body; fileName, title, kind and public in the query (Chair's office)")
            .Produces<DocumentView>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapDelete("/{documentId:guid}", WithdrawAsync).AuditedByHandler("document.withdrawn")
            .WithSummary("Withdraw a document and every version of its file, for good (Chair's office)")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{documentId:guid}/versions", NewVersionAsync).AuditedByHandler("document.version-uploaded")
            .WithSummary("Upload a new version of a document: the file is the body, its name in the query (Chair's office)")
            .Produces<DocumentView>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static IResult NoDocument() =>
        TypedResults.Problem(title: "No such document.", detail: "No document with this id is visible to you.", statusCode: StatusCodes.Status404NotFound);

    private static async Task<DocumentView> ViewAsync(MeetingsDbContext db, MeetingDocument d, CancellationToken ct)
    {
        var versions = await db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == d.Id).OrderByDescending(v => v.Version)
            .Select(v => new DocumentVersionView(v.Version, v.FileName, v.ContentType, v.Size, v.Sha256, v.UploadedAt)).ToListAsync(ct);
        return new DocumentView(d.Id, d.MeetingId, d.Kind, DocumentKinds.DisplayName(d.Kind), d.Title, d.IsPublic, d.LatestVersion, d.UpdatedAt, versions);
    }

    private static async Task<IResult> ListAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        if (await MeetingsApi.VisibleAsync(id, user, db, ct) is null)
        {
            return Problems.NoMeeting();
        }
        var all = Problems.SignedInPerson(user);
        var documents = await db.Documents.AsNoTracking().Where(d => d.MeetingId == id && (all || d.IsPublic)).OrderBy(d => d.CreatedAt).ToListAsync(ct);
        var views = new List<DocumentView>();
        foreach (var document in documents)
        {
            views.Add(await ViewAsync(db, document, ct));
        }
        return TypedResults.Ok(views);
    }

    private static async Task<IResult> FileAsync(Guid id, Guid documentId, int? version, ClaimsPrincipal user, MeetingsDbContext db, HttpContext http, CancellationToken ct)
    {
        if (await MeetingsApi.VisibleAsync(id, user, db, ct) is null)
        {
            return Problems.NoMeeting();
        }
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId && d.MeetingId == id, ct);
        if (document is null || !(document.IsPublic || Problems.SignedInPerson(user)))
        {
            return NoDocument();
        }
        var wanted = version ?? document.LatestVersion;
        var file = await db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == documentId && v.Version == wanted)
            .Select(v => new { v.Id, v.FileName, v.ContentType, v.Sha256 }).SingleOrDefaultAsync(ct);
        if (file is null)
        {
            return NoDocument();
        }
        return await SendFileAsync(http, file.FileName, file.ContentType, file.Sha256, document.IsPublic,
            token => db.DocumentVersions.AsNoTracking().Where(v => v.Id == file.Id).Select(v => v.Content).SingleAsync(token), ct);
    }

    /// <summary>
    /// A stored file as a download: always a download, never rendered in the site's origin, of the type its content was checked to be.
    /// What the file is comes first: a reader that has it already gets 304 without the content being read from the database.
    /// </summary>
    internal static async Task<IResult> SendFileAsync(
        HttpContext http, string fileName, string contentType, string sha256, bool isPublic, Func<CancellationToken, Task<byte[]>> content, CancellationToken ct)
    {
        var tag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{sha256}\"");
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        http.Response.Headers.CacheControl = isPublic ? "public, max-age=300" : "private, no-store";
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Compare(tag, useStrongComparison: false)))
        {
            http.Response.Headers.ETag = tag.ToString();
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.File(await content(ct), contentType, fileName, entityTag: tag);
    }

    private static async Task<IResult> WithdrawAsync(Guid id, Guid documentId, ClaimsPrincipal user, MeetingsDbContext db, HttpContext http, CancellationToken ct)
    {
        if (!MeetingsApi.Schedules(Caller.From(user)))
        {
            return Problems.NotAllowed("A meeting's documents are withdrawn by the Chair's office.");
        }
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == documentId && d.MeetingId == id, ct);
        if (document is null)
        {
            return NoDocument();
        }
        // Gone for good, every version with it: a file put up by mistake is not kept anywhere.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var versions = await db.DocumentVersions.Where(v => v.DocumentId == documentId).ExecuteDeleteAsync(ct);
        db.Documents.Remove(document);
        db.AddAuditRecord(ResourceNames.Meetings, "document.withdrawn", AuditOutcomes.Success, http, target: document.Id.ToString(),
            detail: $"meeting {id}; {document.Kind}; {versions} versions removed");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The most a refused upload's body is read (and thrown away) before answering 413: a proxy in front, such as the
    /// gateway, reports a failure instead of the answer when the body it is still sending is not read.
    /// </summary>
    private const long DiscardedBytes = 64L * 1024 * 1024;

    /// <summary>
    /// An upload's body may be larger than the service's usual limit of a request's body: raised first, so that a
    /// refusal can read what is left of the body (past the discarded bytes Kestrel answers 413 itself).
    /// </summary>
    internal static void RaiseLimit(HttpContext http, long max)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = Math.Max(max + 1, DiscardedBytes);
        }
    }

    /// <summary>A refusal given before the body was read: the body is read and thrown away first, so that the caller gets the answer.</summary>
    internal static async Task<IResult> RefuseAsync(HttpContext http, IResult refusal, CancellationToken ct)
    {
        var chunk = new byte[81920];
        while (await http.Request.Body.ReadAsync(chunk, ct) > 0)
        {
        }
        return refusal;
    }

    /// <summary>The body, read whole up to the limit: null with the refusal when it is too large, empty, or not an accepted kind of file.</summary>
    internal static async Task<(byte[]? Content, string? ContentType, IResult? Refusal)> ReadFileAsync(HttpContext http, string fileName, long max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        var total = 0L;
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            total += read;
            if (total <= max)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        if (total > max)
        {
            return (null, null, TypedResults.Problem(title: "The file is too large.",
                detail: $"A document may be at most {max / (1024 * 1024.0):0.#} MB.", statusCode: StatusCodes.Status413PayloadTooLarge));
        }
        var content = buffer.ToArray();
        if (content.Length == 0)
        {
            return (null, null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["The file is empty: send the document as the request's body."] },
                title: "The document cannot be uploaded."));
        }
        if (DocumentFiles.Recognise(fileName, content) is not { } type)
        {
            return (null, null, TypedResults.Problem(title: "This kind of file is not accepted.",
                detail: $"'{fileName}' is not {DocumentFiles.Accepted}, or its content is not what its name says.", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }
        return (content, type, null);
    }

    private static DocumentVersion Version(MeetingDocument document, int number, string fileName, string type, byte[] content, string by, DateTimeOffset now) => new()
    {
        DocumentId = document.Id,
        Version = number,
        FileName = fileName,
        ContentType = type,
        Size = content.Length,
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
        Content = content,
        UploadedAt = now,
        UploadedBy = by,
    };

    private static async Task<IResult> UploadAsync(
        Guid id, string? fileName, string? title, string? kind, bool? @public, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock,
        IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var max = MaxBytes(configuration);
        RaiseLimit(http, max);
        if (!MeetingsApi.Schedules(caller))
        {
            return await RefuseAsync(http, Problems.NotAllowed("A meeting's documents are circulated by the Chair's office."), ct);
        }
        var meeting = await db.Meetings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
        if (meeting is null)
        {
            return await RefuseAsync(http, Problems.NoMeeting(), ct);
        }
        var errors = new Dictionary<string, string[]>();
        var name = DocumentFiles.CleanName(fileName);
        if (name is null)
        {
            errors["fileName"] = ["Give the file's name (e.g. agenda.pdf), at most 200 characters: its extension says what it is."];
        }
        var text = title?.Trim() ?? "";
        if (text.Length is 0 or > 300 || text.Any(char.IsControl))
        {
            errors["title"] = ["Give the document's title, on one line, in at most 300 characters."];
        }
        var what = kind?.Trim().ToLowerInvariant() ?? "";
        if (!DocumentKinds.All.Contains(what))
        {
            errors["kind"] = [$"Say what the document is: one of {string.Join(", ", DocumentKinds.All)}."];
        }
        if (@public == true && !meeting.IsPublic)
        {
            errors["public"] = ["The meeting is not on the public schedule: its documents are for signed-in people only."];
        }
        if (errors.Count > 0)
        {
            return await RefuseAsync(http, TypedResults.ValidationProblem(errors, title: "The document cannot be uploaded."), ct);
        }
        var (content, type, refusal) = await ReadFileAsync(http, name!, max, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var now = clock.GetUtcNow();
        var document = new MeetingDocument { MeetingId = id, Kind = what, Title = text, IsPublic = @public == true, LatestVersion = 1, CreatedAt = now, UpdatedAt = now };
        db.Documents.Add(document);
        db.DocumentVersions.Add(Version(document, 1, name!, type!, content!, caller.Subject, now));
        db.AddAuditRecord(ResourceNames.Meetings, "document.uploaded", AuditOutcomes.Success, http, target: document.Id.ToString(),
            detail: $"meeting {id}; {what}; {content!.Length} bytes; {(document.IsPublic ? "public" : "signed-in people")}");
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/meetings/{id}/documents/{document.Id}/file", await ViewAsync(db, document, ct));
    }

    private static async Task<IResult> NewVersionAsync(
        Guid id, Guid documentId, string? fileName, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration,
        HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var max = MaxBytes(configuration);
        RaiseLimit(http, max);
        if (!MeetingsApi.Schedules(caller))
        {
            return await RefuseAsync(http, Problems.NotAllowed("A meeting's documents are circulated by the Chair's office."), ct);
        }
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == documentId && d.MeetingId == id, ct);
        if (document is null)
        {
            return await RefuseAsync(http, NoDocument(), ct);
        }
        if (DocumentFiles.CleanName(fileName) is not { } name)
        {
            return await RefuseAsync(http, TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["fileName"] = ["Give the file's name (e.g. agenda-rev1.pdf), at most 200 characters: its extension says what it is."],
            }, title: "The version cannot be uploaded."), ct);
        }
        var (content, type, refusal) = await ReadFileAsync(http, name, max, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var now = clock.GetUtcNow();
        // Versions are numbered one after the other: two uploads at once both save, one after the other, or one is refused.
        document.LatestVersion++;
        document.UpdatedAt = now;
        db.DocumentVersions.Add(Version(document, document.LatestVersion, name, type!, content!, caller.Subject, now));
        db.AddAuditRecord(ResourceNames.Meetings, "document.version-uploaded", AuditOutcomes.Success, http, target: document.Id.ToString(),
            detail: $"version {document.LatestVersion}; {content!.Length} bytes");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("Another version was uploaded at the same moment.", "Read the document again and upload yours as the next version.");
        }
        return TypedResults.Created($"/api/meetings/{id}/documents/{document.Id}/versions/{document.LatestVersion}/file", await ViewAsync(db, document, ct));
    }
}
