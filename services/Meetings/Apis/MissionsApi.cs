using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Missions;

namespace PocDirectory.Meetings.Apis;

/// <summary>A State's mission as the list shows it: without a row, the usual name and no address yet.</summary>
public sealed record MissionView(string State, string Iso2, string StateName, string UnStatus, string Name, IReadOnlyList<string> Emails, int Revision, DateTimeOffset? UpdatedAt)
{
    public static MissionView From(MemberStateCopy state, PermanentMission? mission) => new(
        state.Iso3, state.Iso2, state.Name, state.UnStatus, mission?.Name ?? PermanentMission.DefaultName(state), mission?.Emails ?? [],
        mission?.Revision ?? 0, mission?.UpdatedAt);
}

/// <summary>
/// The Permanent Missions, addressees of every letter: the directory manager keeps them (one at a time,
/// or a CSV file with a report of each row), the Chair's office reads them. Their addresses are the
/// missions' official ones, not a person's.
/// </summary>
public static class MissionsApi
{
    public static void MapMissionsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/meetings/missions").WithTags("Permanent Missions");
        api.MapGet("/", ListAsync).NotAudited("the missions' official addresses, no personal data")
            .WithSummary("Every State's Permanent Mission and its addresses (directory manager, Chair's office)").Produces<List<MissionView>>();
        api.MapPut("/{state}", ChangeAsync).AuditedByHandler("mission.changed")
            .WithSummary("Set a mission's name and official addresses (directory manager)").Produces<MissionView>().ProducesValidationProblem();
        api.MapPost("/import", ImportAsync).AuditedByHandler("missions.imported")
            .WithSummary("Set missions from a CSV file (state,name,emails): each good row is applied, each other one reported (directory manager)")
            // Not .Accepts("text/csv"): routing would answer 415 before the caller's rights are checked; the handler checks the type.
            .Produces<MissionImportReport>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static bool Keeps(Caller caller) => caller.IsDirectoryManager;

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!Keeps(caller) && !(MeetingsApi.Schedules(caller)))
        {
            return Problems.NotAllowed("The missions' list is kept by the directory manager and read by the Chair's office.");
        }
        var missions = await db.Missions.AsNoTracking().ToDictionaryAsync(m => m.State, ct);
        var states = await db.MemberStates.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);
        return TypedResults.Ok(states.Select(s => MissionView.From(s, missions.GetValueOrDefault(s.Iso3))).ToList());
    }

    private static async Task<IResult> ChangeAsync(string state, MissionRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!Keeps(caller))
        {
            return Problems.NotAllowed("Missions are kept by the directory manager.");
        }
        var copy = await db.MemberStates.AsNoTracking().SingleOrDefaultAsync(s => s.Iso3 == state.ToUpperInvariant(), ct);
        if (copy is null)
        {
            return TypedResults.Problem(title: "No such State.", detail: $"'{(state.Length > 10 ? state[..10] : state)}' is not the ISO alpha-3 code of a Member State or observer State.",
                statusCode: StatusCodes.Status404NotFound);
        }
        (string? Name, List<string> Emails) valid;
        try
        {
            valid = (request ?? new MissionRequest(null, null)).Validate();
        }
        catch (FieldErrorsException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors, title: "The mission cannot be saved so.");
        }
        var mission = await db.Missions.SingleOrDefaultAsync(m => m.State == copy.Iso3, ct);
        if (request?.Revision is { } revision && revision != (mission?.Revision ?? 0))
        {
            return TypedResults.Problem(title: "The mission has changed since you read it.",
                detail: $"You changed revision {revision}; it is at revision {mission?.Revision ?? 0} now. Read it again and make your change to that.",
                statusCode: StatusCodes.Status409Conflict);
        }
        Apply(db, ref mission, copy, valid.Name, valid.Emails, caller.Subject, clock.GetUtcNow());
        db.AddAuditRecord(ResourceNames.Meetings, "mission.changed", AuditOutcomes.Success, http, state: copy.Iso3, detail: $"{mission!.Emails.Count} addresses");
        return await SaveAsync(db, ct) ?? TypedResults.Ok(MissionView.From(copy, mission));
    }

    /// <summary>Saves, or answers 409 when another change to the same missions was saved first (nothing of this one is kept).</summary>
    private static async Task<IResult?> SaveAsync(MeetingsDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(title: "Changed at the same moment.", detail: "Another change to these missions was saved first. Read them again and make yours.",
                statusCode: StatusCodes.Status409Conflict);
        }
    }

    /// <summary>Sets a mission's name and addresses; returns false when nothing changed.</summary>
    private static bool Apply(
        MeetingsDbContext db, ref PermanentMission? mission, MemberStateCopy state, string? name, List<string> emails, string by, DateTimeOffset now, bool keepName = false)
    {
        var newName = keepName && mission is not null ? mission.Name : name ?? PermanentMission.DefaultName(state);
        if (mission is not null && mission.Name == newName && mission.Emails.SequenceEqual(emails))
        {
            return false;
        }
        if (mission is null)
        {
            mission = new PermanentMission { State = state.Iso3 };
            db.Missions.Add(mission);
        }
        else
        {
            mission.Revision++;
        }
        mission.Name = newName;
        mission.Emails = emails;
        mission.UpdatedAt = now;
        mission.UpdatedBy = by;
        return true;
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!Keeps(caller))
        {
            return Problems.NotAllowed("Missions are kept by the directory manager.");
        }
        if (request.ContentType is not { } type || !type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(title: "Send a CSV file.", detail: "The import reads text/csv (UTF-8): a header line state,name,emails, then a row per mission.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        string csv;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            csv = await reader.ReadToEndAsync(ct);
        }
        var states = await db.MemberStates.AsNoTracking().ToListAsync(ct);
        List<MissionImportLine> good;
        List<MissionImportRow> refused;
        try
        {
            (good, refused) = MissionImport.Read(csv, states);
        }
        catch (FieldErrorsException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors, title: "The file cannot be read.");
        }
        var now = clock.GetUtcNow();
        var missions = await db.Missions.ToDictionaryAsync(m => m.State, ct);
        var rows = new List<MissionImportRow>(refused);
        foreach (var line in good)
        {
            var mission = missions.GetValueOrDefault(line.State.Iso3);
            var existed = mission is not null;
            var changed = Apply(db, ref mission, line.State, line.Name, line.Emails, caller.Subject, now, line.KeepsName);
            rows.Add(new MissionImportRow(line.Line, line.State.Iso3,
                !changed ? MissionImportRow.Unchanged : existed ? MissionImportRow.Updated : MissionImportRow.Added, []));
        }
        rows.Sort((a, b) => a.Line.CompareTo(b.Line));
        var report = new MissionImportReport(
            rows.Count(r => r.Outcome == MissionImportRow.Added), rows.Count(r => r.Outcome == MissionImportRow.Updated),
            rows.Count(r => r.Outcome == MissionImportRow.Unchanged), rows.Count(r => r.Outcome == MissionImportRow.Refused), rows);
        db.AddAuditRecord(ResourceNames.Meetings, "missions.imported", AuditOutcomes.Success, http,
            detail: $"{report.Added} added, {report.Updated} updated, {report.Unchanged} unchanged, {report.Refused} refused");
        return await SaveAsync(db, ct) ?? TypedResults.Ok(report);
    }
}
