using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.Identity;
using PocDirectory.Contracts.Nominations;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;
using PocDirectory.BuildingBlocks.Persistence;

namespace PocDirectory.Nominations.Workflow;

/// <summary>
/// Periodic update requests: each participating State's focal points are asked to confirm or update
/// every listed entry, reminded once, marked overdue once; the request is answered when every entry is
/// confirmed, changed or withdrawn. Each step commits with its e-mails (sent by Identity to every
/// active focal point of the State), its status event and its audit record (outbox).
/// </summary>
public sealed class UpdateRequestDesk(NominationsDbContext db, IConfiguration configuration, TimeProvider clock, IOptions<UpdateRequestOptions> options)
{
    public const string Template = "update-request";

    private const string System = "system";

    private UpdateRequestOptions Options => options.Value;

    private string WebUrl => AuthenticationExtensions.WebUrl(configuration) ?? AuthenticationExtensions.Issuer(configuration).ToString().TrimEnd('/');

    /// <summary>
    /// The directory manager starts a round now: every participating State (<paramref name="allStates"/>)
    /// or the States named. A round of every State also moves the schedule's next round.
    /// </summary>
    public async Task<RoundResult> StartRoundAsync(Caller caller, IReadOnlyList<string>? states, bool allStates, HttpContext? http, CancellationToken ct)
    {
        if (!caller.IsDirectoryManager)
        {
            throw NominationProblem.Forbidden("Only the directory manager asks States to confirm their entries.");
        }
        var errors = new FieldErrors();
        var codes = new List<string>();
        if (allStates && states is { Count: > 0 })
        {
            errors.Add("states", "Name States or ask all of them, not both.");
        }
        else if (!allStates && states is not { Count: > 0 })
        {
            errors.Add("states", "Name the States to ask (ISO 3166-1 alpha-3 codes), or set allStates to ask every participating State.");
        }
        else if (!allStates)
        {
            var known = await db.MemberStates.AsNoTracking().Select(s => s.Iso3).ToListAsync(ct);
            for (var i = 0; i < states!.Count; i++)
            {
                var code = states[i]?.Trim().ToUpperInvariant() ?? "";
                if (!known.Contains(code))
                {
                    errors.Add($"states[{i}]", $"'{states[i]}' is not the ISO 3166-1 alpha-3 code of a Member or observer State.");
                }
                else if (!codes.Contains(code))
                {
                    codes.Add(code);
                }
            }
        }
        errors.ThrowIfAny();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        if (allStates)
        {
            // Waits for a worker starting the scheduled round at this moment, then moves the schedule.
            await EnsureScheduleAsync(now, ct);
            var schedules = await db.UpdateRequestSchedules
                .FromSql($"""SELECT *, xmin FROM update_request_schedule WHERE "Id" = {UpdateRequestSchedule.SingleId} FOR UPDATE""")
                .InOrder(s => s.Id)
                .ToListAsync(ct);
            var schedule = schedules.Single();
            schedule.LastRoundAt = now;
            schedule.NextRoundAt = now.AddMonths(Options.IntervalMonths);
        }
        var asked = await OpenRequestsAsync(allStates ? null : codes, caller.Subject, now, ct);
        db.AddAuditRecord(ResourceNames.Nominations, "update-request.round-started", AuditOutcomes.Success, http,
            target: allStates ? "all" : string.Join(' ', codes), detail: $"{asked.Count} States asked");
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
        return new RoundResult(asked.Count, asked);
    }

    /// <summary>Creates the schedule at first start: the first round one interval from now, not at once.</summary>
    internal async Task EnsureScheduleAsync(DateTimeOffset now, CancellationToken ct)
    {
        var first = now.AddMonths(Options.IntervalMonths);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO update_request_schedule ("Id", "NextRoundAt") VALUES ({UpdateRequestSchedule.SingleId}, {first})
            ON CONFLICT ("Id") DO NOTHING
            """, ct);
    }

    /// <summary>
    /// Asks each participating State (or those named) once: any unanswered earlier request of the State
    /// is closed as superseded. The caller saves. Returns the States asked.
    /// </summary>
    internal async Task<List<string>> OpenRequestsAsync(IReadOnlyList<string>? only, string requestedBy, DateTimeOffset now, CancellationToken ct)
    {
        var listed = (await db.ListedPocs.AsNoTracking()
            .Where(p => p.WithdrawnAt == null && (only == null || only.Contains(p.State)))
            .ToListAsync(ct))
            .Select(p => new { p.State, p.PocId, p.Details.FullName, p.Details.Type });
        var earlier = await db.UpdateRequests
            .Where(r => UpdateRequestStatus.Answerable.Contains(r.Status) && (only == null || only.Contains(r.State)))
            .ToListAsync(ct);
        foreach (var request in earlier)
        {
            request.Status = UpdateRequestStatus.Superseded;
            request.SupersededAt = now;
        }
        if (earlier.Count > 0)
        {
            // The partial unique index allows one open request per State: close the earlier ones first.
            await db.SaveChangesAsync(ct);
        }
        var asked = new List<string>();
        var names = await StateNamesAsync(db, ct);
        foreach (var state in listed.GroupBy(p => p.State).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var request = new UpdateRequest
            {
                Id = Guid.CreateVersion7(now),
                State = state.Key,
                Status = UpdateRequestStatus.Open,
                RequestedAt = now,
                RequestedBy = requestedBy,
                Entries = [.. state.OrderBy(p => p.Type).ThenBy(p => p.FullName).Select(p => new UpdateRequestEntry { PocId = p.PocId, FullName = p.FullName, Type = p.Type })],
            };
            db.UpdateRequests.Add(request);
            EmailFocalPoints(request, "asked", names.GetValueOrDefault(state.Key, state.Key));
            Publish(request, UpdateRequestStatus.Open, now);
            asked.Add(state.Key);
        }
        return asked;
    }

    /// <summary>The focal points are reminded once, by the worker, after <see cref="UpdateRequestOptions.ReminderAfterDays"/>.</summary>
    internal void Remind(UpdateRequest request, string stateName, DateTimeOffset now)
    {
        request.RemindedAt = now;
        EmailFocalPoints(request, "reminded", stateName);
        db.AddAuditRecord(ResourceNames.Nominations, "update-request.reminded", AuditOutcomes.Success, actor: System, target: request.Id.ToString(), state: request.State);
    }

    /// <summary>Marked overdue once, by the worker, after <see cref="UpdateRequestOptions.OverdueAfterDays"/>: the directory flags the State.</summary>
    internal void MarkOverdue(UpdateRequest request, string stateName, DateTimeOffset now)
    {
        request.Status = UpdateRequestStatus.Overdue;
        request.OverdueAt = now;
        EmailFocalPoints(request, "overdue", stateName);
        Publish(request, UpdateRequestStatus.Overdue, now);
        db.AddAuditRecord(ResourceNames.Nominations, "update-request.overdue", AuditOutcomes.Success, actor: System, target: request.Id.ToString(), state: request.State);
    }

    /// <summary>
    /// The State's focal point confirms entries as unchanged: those named, or every one not yet answered.
    /// When every entry is answered, so is the request.
    /// </summary>
    public async Task<UpdateRequest> ConfirmAsync(Caller caller, string state, IReadOnlyList<Guid>? pocIds, bool allUnchanged, HttpContext? http, CancellationToken ct)
    {
        state = state.Trim().ToUpperInvariant();
        if (!caller.MaintainsState(state))
        {
            throw NominationProblem.Forbidden($"Only a focal point of {state} answers its update request.");
        }
        var errors = new FieldErrors();
        if (allUnchanged && pocIds is { Count: > 0 })
        {
            errors.Add("pocIds", "Confirm the entries named, or all of them as unchanged, not both.");
        }
        else if (!allUnchanged && pocIds is not { Count: > 0 })
        {
            errors.Add("pocIds", "Name the entries you confirm as unchanged, or confirm all of them (allUnchanged).");
        }
        errors.ThrowIfAny();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var request = await LockAnswerableAsync(state, ct);
        if (request is null)
        {
            var latest = await db.UpdateRequests.AsNoTracking().Where(r => r.State == state).OrderByDescending(r => r.RequestedAt).FirstOrDefaultAsync(ct)
                ?? throw new NominationProblem(StatusCodes.Status404NotFound, "No update request.", $"{state} has not been asked to confirm its entries.");
            throw new NominationProblem(StatusCodes.Status409Conflict, "The update request is closed.",
                $"The latest update request of {state} is {latest.Status}: there is nothing to answer.", latest.Status);
        }
        if (!allUnchanged)
        {
            for (var i = 0; i < pocIds!.Count; i++)
            {
                if (request.Entries.All(e => e.PocId != pocIds[i]))
                {
                    errors.Add($"pocIds[{i}]", "This point of contact is not an entry of the update request.");
                }
            }
            errors.ThrowIfAny();
        }
        var now = clock.GetUtcNow();
        var confirmed = 0;
        foreach (var entry in request.Entries.Where(e => e.Outcome is null && (allUnchanged || pocIds!.Contains(e.PocId))))
        {
            entry.Outcome = UpdateRequestOutcome.Unchanged;
            entry.ConfirmedAt = now;
            entry.ConfirmedBy = caller.Subject;
            confirmed++;
        }
        CompleteIfAnswered(db, request, caller, now);
        db.AddAuditRecord(ResourceNames.Nominations, "update-request.confirmed", AuditOutcomes.Success, http,
            target: request.Id.ToString(), state: state, detail: allUnchanged ? $"all unchanged ({confirmed})" : $"{confirmed} unchanged");
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
        return request;
    }

    /// <summary>
    /// A change proposed or a withdrawal by the focal point, while the State's request is open, answers
    /// that entry. Called by <see cref="NominationDesk"/> in its own unit of work; the caller saves.
    /// </summary>
    internal static async Task RecordNominationAsync(NominationsDbContext db, string state, Guid pocId, string outcome, Caller caller, DateTimeOffset now, CancellationToken ct)
    {
        var request = await db.UpdateRequests.Include(r => r.Entries)
            .Where(r => r.State == state && UpdateRequestStatus.Answerable.Contains(r.Status) && r.Entries.Any(e => e.PocId == pocId && e.Outcome == null))
            .SingleOrDefaultAsync(ct);
        if (request is null)
        {
            return;
        }
        var entry = request.Entries.Single(e => e.PocId == pocId);
        entry.Outcome = outcome;
        entry.ConfirmedAt = now;
        entry.ConfirmedBy = caller.Subject;
        CompleteIfAnswered(db, request, caller, now);
    }

    private static void CompleteIfAnswered(NominationsDbContext db, UpdateRequest request, Caller caller, DateTimeOffset now)
    {
        if (!request.IsAnswerable || request.Entries.Any(e => e.Outcome is null))
        {
            return;
        }
        request.Status = UpdateRequestStatus.Answered;
        request.AnsweredAt = now;
        request.AnsweredBy = caller.Subject;
        Publish(db, request, UpdateRequestStatus.Answered, now);
    }

    /// <summary>The State's open or overdue request with its entries, locked until the transaction ends (answers are serialized).</summary>
    private async Task<UpdateRequest?> LockAnswerableAsync(string state, CancellationToken ct)
    {
        // xmin, the row version, is a system column: "*" leaves it out.
        var requests = await db.UpdateRequests
            .FromSql($"""
                SELECT *, xmin FROM update_requests
                WHERE "State" = {state} AND "Status" IN ('open', 'overdue')
                FOR UPDATE
                """)
            .InOrder(r => r.Id)
            .ToListAsync(ct);
        var request = requests.SingleOrDefault();
        if (request is not null)
        {
            await db.Entry(request).Collection(r => r.Entries).LoadAsync(ct);
        }
        return request;
    }

    /// <summary>The States' names by code, as people read them in an e-mail.</summary>
    internal static async Task<Dictionary<string, string>> StateNamesAsync(NominationsDbContext db, CancellationToken ct) =>
        await db.MemberStates.AsNoTracking().ToDictionaryAsync(s => s.Iso3, s => s.Name, StringComparer.Ordinal, ct);

    private void EmailFocalPoints(UpdateRequest request, string step, string stateName)
    {
        db.AddIntegrationEvent(new EmailFocalPoints
        {
            RequestId = DerivedIds.From("update-request", request.Id.ToString(), step),
            State = request.State,
            Template = Template,
            RequestedBy = ResourceNames.Nominations,
            Values = new Dictionary<string, string>
            {
                ["state"] = stateName,
                ["kind"] = step switch { "reminded" => "reminder", "overdue" => "overdue", _ => "asked" },
                ["due"] = (request.RequestedAt + Options.OverdueAfter).ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
                ["entries"] = request.Entries.Count.ToString(CultureInfo.InvariantCulture),
                ["link"] = $"{WebUrl}/my-state/update-request",
            },
        });
    }

    private void Publish(UpdateRequest request, string status, DateTimeOffset now) => Publish(db, request, status, now);

    private static void Publish(NominationsDbContext db, UpdateRequest request, string status, DateTimeOffset now) =>
        db.AddIntegrationEvent(new UpdateRequestStatusChanged
        {
            RequestId = request.Id,
            State = request.State,
            Status = status,
            RequestedAt = request.RequestedAt,
            At = now,
        });

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ux_update_requests_one_open_per_state" })
        {
            throw new NominationProblem(StatusCodes.Status409Conflict, "A round is starting.", "Another round started at the same moment: read the requests again.");
        }
    }
}

public sealed record RoundResult(int Asked, IReadOnlyList<string> States);
