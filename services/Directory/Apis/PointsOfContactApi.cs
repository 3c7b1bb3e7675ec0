using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.Model;
using PocDirectory.Directory.PointsOfContact;

namespace PocDirectory.Directory.Apis;

public sealed record EntrySummary(
    Guid PocId, string State, string StateName, string RegionalGroup, string Type, string FullName, string Title, string Organization,
    IReadOnlyList<string> Languages, string TimeZone, bool Available247, bool IsAlternate, DateTimeOffset? LastVerifiedAt, string Reachability)
{
    public static EntrySummary From(ListedEntry e) => new(
        e.PocId, e.State, e.StateName, e.RegionalGroup, e.Details.Type, e.Details.FullName, e.Details.Title, e.Details.Organization,
        e.Details.Languages, e.Details.TimeZone, e.Details.Availability.Always, e.Details.IsAlternate, e.LastVerifiedAt, e.Reachability);
}

public sealed record SearchResult(int Total, int Page, int PageSize, IReadOnlyList<EntrySummary> Items, IReadOnlyList<string> ParticipatingStates);

/// <summary>A participating State and how many points of contact of each type it has listed.</summary>
public sealed record StateListing(string State, string StateName, string RegionalGroup, int Diplomatic, int Technical, bool UpdateOverdue);

public sealed record EntryView(
    Guid PocId, string State, string StateName, string RegionalGroup, int Version, PocDetails Details,
    DateTimeOffset ListedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastVerifiedAt, string Reachability, bool StateUpdateOverdue)
{
    public static EntryView From(ListedEntry e, DirectorySnapshot snapshot) => new(
        e.PocId, e.State, e.StateName, e.RegionalGroup, e.Version, e.Details, e.ListedAt, e.UpdatedAt, e.LastVerifiedAt, e.Reachability,
        snapshot.OverdueStates.Contains(e.State));
}

public sealed record EntryVersionView(int Version, string Kind, PocDetails? Details, string? ChangedFields, string? SubmittedBy, string Actor, string? Reason, DateTimeOffset At);

public sealed record ChangeView(long Sequence, Guid PocId, string State, int Version, string Kind, DateTimeOffset At, EntryView? Entry);

public sealed record ChangesPage(IReadOnlyList<ChangeView> Changes, long Next, bool More);

/// <summary>
/// The confidential directory: search, entries with contact details, their history, exports and the
/// changes feed. Read by the directory manager, and by the people and machine clients of participating
/// States only; never by operations or the Chair's office. Every read of contact details is audited.
/// </summary>
public static class PointsOfContactApi
{
    public const int MaxPageSize = 100;
    public const int MaxFeedPage = 500;

    public static void MapPointsOfContactApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/directory").WithTags("Points of contact").RequireRateLimiting(DirectoryRateLimits.Policy);
        api.MapGet("/pocs", SearchAsync).NotAudited("summaries without contact details, served from memory; each entry's details are audited when read").WithSummary("Search listed points of contact (no contact details)")
            .Produces<SearchResult>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapGet("/states", StatesAsync).NotAudited("States and their numbers of points of contact, no contact details").WithSummary("Participating States by regional group, with their number of points of contact")
            .Produces<List<StateListing>>().ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapGet("/pocs/{id:guid}", GetAsync).AuditedByHandler("poc.read").WithSummary("One point of contact with contact details (audited)");
        api.MapGet("/pocs/{id:guid}/history", HistoryAsync).AuditedByHandler("poc.history-read").WithSummary("Every version of an entry (directory manager and the State's focal points)");
        api.MapGet("/export", ExportAsync).AuditedByHandler("directory.exported").WithSummary("CSV or vCard 4.0 of what the reader may see (audited)");
        api.MapGet("/changes", ChangesAsync).AuditedByHandler("directory.changes-read").WithSummary("Changes after a cursor, for keeping a local copy in sync (audited)");
    }

    private static async Task<IResult> SearchAsync(
        HttpRequest request, ClaimsPrincipal user, DirectoryReader reader, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (query, page, pageSize, errors) = ParseQuery(request.Query);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The search is not valid.");
        }
        var snapshot = await reader.CurrentAsync(ct);
        if (DirectoryAccess.Refusal(Caller.From(user), snapshot) is { } refusal)
        {
            return refusal;
        }
        // The answer depends only on the snapshot and the query (access was checked above): kept with the snapshot.
        var answer = snapshot.Answer($"{query!.Key}|{page}|{pageSize}", () =>
        {
            var (total, items) = snapshot.SearchPage(query, page, pageSize);
            return JsonSerializer.SerializeToUtf8Bytes(
                new SearchResult(total, page, pageSize, items.ConvertAll(EntrySummary.From), snapshot.ParticipatingInOrder), json.Value.SerializerOptions);
        });
        return TypedResults.Bytes(answer, "application/json");
    }

    private static async Task<IResult> StatesAsync(ClaimsPrincipal user, DirectoryReader reader, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var snapshot = await reader.CurrentAsync(ct);
        if (DirectoryAccess.Refusal(Caller.From(user), snapshot) is { } refusal)
        {
            return refusal;
        }
        var answer = snapshot.Answer("states", () => JsonSerializer.SerializeToUtf8Bytes(
            snapshot.Ordered
                .GroupBy(e => (e.State, e.StateName, e.RegionalGroup))
                .Select(g => new StateListing(g.Key.State, g.Key.StateName, g.Key.RegionalGroup,
                    g.Count(e => e.Details.Type == PocTypes.Diplomatic), g.Count(e => e.Details.Type == PocTypes.Technical),
                    snapshot.OverdueStates.Contains(g.Key.State)))
                .OrderBy(s => s.RegionalGroup, StringComparer.Ordinal).ThenBy(s => s.StateName, StringComparer.InvariantCulture)
                .ToList(),
            json.Value.SerializerOptions));
        return TypedResults.Bytes(answer, "application/json");
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, DirectoryReader reader, DirectoryDbContext db, HttpContext http, CancellationToken ct)
    {
        var snapshot = await reader.CurrentAsync(ct);
        if (DirectoryAccess.Refusal(Caller.From(user), snapshot) is { } refusal)
        {
            return refusal;
        }
        if (!snapshot.ById.TryGetValue(id, out var entry))
        {
            return TypedResults.Problem(title: "No such point of contact.", detail: "No listed point of contact has this id; it may have been withdrawn.", statusCode: StatusCodes.Status404NotFound);
        }
        // Asked for as a vCard (Accept: text/vcard), the one entry as the export writes it: an address book's card.
        var card = http.Request.Headers.Accept.ToString().Contains("text/vcard", StringComparison.OrdinalIgnoreCase);
        http.Response.Headers.Vary = "Accept";
        db.AddAuditRecord(ResourceNames.Directory, "poc.read", AuditOutcomes.Success, http, target: id.ToString(), detail: card ? $"{entry.State}, vcard" : entry.State);
        await db.SaveChangesAsync(ct);
        return card
            ? TypedResults.File(Encoding.UTF8.GetBytes(VCards([entry])), "text/vcard; charset=utf-8", $"poc-{entry.PocId:N}.vcf")
            : TypedResults.Ok(EntryView.From(entry, snapshot));
    }

    private static async Task<IResult> HistoryAsync(Guid id, ClaimsPrincipal user, DirectoryReader reader, DirectoryDbContext db, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var snapshot = await reader.CurrentAsync(ct);
        if (DirectoryAccess.Refusal(caller, snapshot) is { } refusal)
        {
            return refusal;
        }
        var state = await db.Entries.Where(e => e.PocId == id).Select(e => e.State).SingleOrDefaultAsync(ct);
        if (state is null)
        {
            return TypedResults.Problem(title: "No such point of contact.", statusCode: StatusCodes.Status404NotFound);
        }
        // Earlier versions hold the details of people who have left: the Secretariat and the State's own focal points only.
        if (!caller.OverseesState(state))
        {
            return TypedResults.Problem(title: "Not allowed.", detail: "An entry's history is shown to the directory manager and to its State's focal points only.", statusCode: StatusCodes.Status403Forbidden);
        }
        var versions = await db.EntryVersions.AsNoTracking().Where(v => v.PocId == id).OrderByDescending(v => v.Version).ToListAsync(ct);
        db.AddAuditRecord(ResourceNames.Directory, "poc.history-read", AuditOutcomes.Success, http, target: id.ToString(), detail: state);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(versions.Select(v => new EntryVersionView(v.Version, v.Kind, v.Details, v.ChangedFields, v.SubmittedBy, v.Actor, v.Reason, v.At)).ToList());
    }

    private static async Task<IResult> ExportAsync(HttpRequest request, string? format, ClaimsPrincipal user, DirectoryReader reader, DirectoryDbContext db, HttpContext http, CancellationToken ct)
    {
        var (query, _, _, errors) = ParseQuery(request.Query, "format");
        format = format?.ToLowerInvariant() ?? "csv";
        if (format is not ("csv" or "vcard"))
        {
            errors["format"] = ["Choose csv or vcard."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The export is not valid.");
        }
        var snapshot = await reader.CurrentAsync(ct);
        if (DirectoryAccess.Refusal(Caller.From(user), snapshot) is { } refusal)
        {
            return refusal;
        }
        var entries = snapshot.Search(query!).ToList();
        db.AddAuditRecord(ResourceNames.Directory, "directory.exported", AuditOutcomes.Success, http,
            // The filters' names, not their values: a search text may be a person's name, and the audit log cannot forget.
            detail: $"{format}, {entries.Count} points of contact, filters: {string.Join(',', request.Query.Keys.Order(StringComparer.Ordinal))}");
        await db.SaveChangesAsync(ct);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        return format == "csv"
            ? TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Csv(entries))).ToArray(), "text/csv; charset=utf-8", $"poc-directory-{stamp}.csv")
            : TypedResults.File(Encoding.UTF8.GetBytes(VCards(entries)), "text/vcard; charset=utf-8", $"poc-directory-{stamp}.vcf");
    }

    private static async Task<IResult> ChangesAsync(long? after, int? limit, ClaimsPrincipal user, DirectoryReader reader, DirectoryDbContext db, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (after is < 0)
        {
            errors["after"] = ["Give the 'next' number of the previous page, or 0 to start."];
        }
        if (limit is < 1 or > MaxFeedPage)
        {
            errors["limit"] = [$"Ask for 1 to {MaxFeedPage} changes."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The feed request is not valid.");
        }
        var snapshot = await reader.CurrentAsync(ct);
        if (DirectoryAccess.Refusal(Caller.From(user), snapshot) is { } refusal)
        {
            return refusal;
        }
        var cursor = after ?? 0;
        var size = limit ?? 100;
        // Only changes the snapshot includes: each is shown with the entry as it is now (or as withdrawn).
        var changes = await db.Changes.AsNoTracking()
            .Where(c => c.Sequence > cursor && c.Sequence <= snapshot.Generation)
            .OrderBy(c => c.Sequence).Take(size + 1).ToListAsync(ct);
        var more = changes.Count > size;
        changes = changes.Take(size).ToList();
        var next = changes.Count == 0 ? cursor : changes[^1].Sequence;
        if (changes.Count > 0)
        {
            db.AddAuditRecord(ResourceNames.Directory, "directory.changes-read", AuditOutcomes.Success, http, detail: $"after {cursor}: {changes.Count} changes");
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(new ChangesPage(changes.Select(c => new ChangeView(c.Sequence, c.PocId, c.State, c.Version, c.Kind, c.At,
            snapshot.ById.TryGetValue(c.PocId, out var e) ? EntryView.From(e, snapshot) : null)).ToList(), next, more));
    }

    public static string Csv(IReadOnlyList<ListedEntry> entries)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var header in new[] { "id", "state", "state_name", "regional_group", "type", "alternate", "full_name", "title", "organization", "email", "phones", "languages", "time_zone", "availability", "pgp_fingerprint", "version", "updated_at", "last_verified_at" })
        {
            csv.WriteField(header);
        }
        csv.NextRecord();
        foreach (var e in entries)
        {
            var d = e.Details;
            // A cell that a spreadsheet would read as a formula is written as text (CSV injection).
            foreach (var field in new[]
            {
                e.PocId.ToString(), e.State, e.StateName, e.RegionalGroup, d.Type, d.IsAlternate ? "yes" : "no", SafeCell(d.FullName), SafeCell(d.Title), SafeCell(d.Organization), SafeCell(d.Email),
                string.Join(" ", d.Phones.Select(p => $"{p.Number} ({p.Kind})")), string.Join(" ", d.Languages), d.TimeZone,
                d.Availability.Always ? "24/7" : $"{string.Join(",", d.Availability.Days)} {d.Availability.From}-{d.Availability.To}",
                d.PgpKey?.Fingerprint ?? "", e.Version.ToString(CultureInfo.InvariantCulture), e.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
                e.LastVerifiedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
            })
            {
                csv.WriteField(field);
            }
            csv.NextRecord();
        }
        csv.Flush();
        return text.ToString();
    }

    /// <summary>Free text that a spreadsheet would run as a formula is written with a leading apostrophe (CSV injection).</summary>
    public static string SafeCell(string value) => PocDirectory.BuildingBlocks.Validation.SpreadsheetCells.Safe(value);

    public static string VCards(IEnumerable<ListedEntry> entries)
    {
        var output = new StringBuilder();
        foreach (var entry in entries)
        {
            VCardWriter.Write(output, entry);
        }
        return output.ToString();
    }

    /// <summary>Reads the search filters; unknown parameters (other than <paramref name="alsoAllowed"/>) are errors too.</summary>
    public static (DirectoryQuery? Query, int Page, int PageSize, Dictionary<string, string[]> Errors) ParseQuery(IQueryCollection q, params string[] alsoAllowed)
    {
        var errors = new Dictionary<string, string[]>();
        string? Single(string name) => q.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;

        var known = new[] { "q", "state", "regionalGroup", "type", "language", "available247", "verifiedSince", "page", "pageSize" }.Concat(alsoAllowed);
        foreach (var key in q.Keys.Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)))
        {
            errors[key] = [$"'{key}' is not a filter. Use: {string.Join(", ", known)}."];
        }
        var text = Single("q");
        if (text?.Length > 200)
        {
            errors["q"] = ["Search for at most 200 characters."];
        }
        var words = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(10).ToList() ?? [];
        var state = Single("state")?.ToUpperInvariant();
        if (state is not null && (state.Length != 3 || !state.All(char.IsAsciiLetterUpper)))
        {
            errors["state"] = ["Give the State's ISO 3166-1 alpha-3 code, e.g. FRA."];
        }
        string? group = null;
        if (Single("regionalGroup") is { } g)
        {
            if (RegionalGroups.TryParse(g, out var parsed))
            {
                group = parsed.ToString();
            }
            else
            {
                errors["regionalGroup"] = [$"'{g}' is not a UN regional group. Use one of: {RegionalGroups.AllowedValues}."];
            }
        }
        var type = Single("type")?.ToLowerInvariant();
        if (type is not null && !PocTypes.All.Contains(type))
        {
            errors["type"] = ["Choose diplomatic or technical."];
        }
        var language = Single("language");
        if (language is not null && (language.Length > 35 || !language.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            errors["language"] = ["Give a BCP 47 language tag such as fr or zh-Hans."];
        }
        bool? available247 = null;
        if (Single("available247") is { } a)
        {
            if (bool.TryParse(a, out var b))
            {
                available247 = b;
            }
            else
            {
                errors["available247"] = ["Use true or false."];
            }
        }
        DateTimeOffset? verifiedSince = null;
        if (Single("verifiedSince") is { } since)
        {
            if (DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                verifiedSince = date;
            }
            else
            {
                errors["verifiedSince"] = ["Give a date such as 2026-06-10."];
            }
        }
        var page = 1;
        if (Single("page") is { } p && (!int.TryParse(p, out page) || page < 1 || page > 10_000))
        {
            errors["page"] = ["Give a page number from 1."];
        }
        var pageSize = 25;
        if (Single("pageSize") is { } s && (!int.TryParse(s, out pageSize) || pageSize < 1 || pageSize > MaxPageSize))
        {
            errors["pageSize"] = [$"Ask for 1 to {MaxPageSize} results per page."];
        }
        return (errors.Count > 0 ? null : new DirectoryQuery(words, state, group, type, language, available247, verifiedSince), page, pageSize, errors);
    }
}
