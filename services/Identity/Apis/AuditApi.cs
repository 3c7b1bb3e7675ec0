using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Audit;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Apis;

public sealed record AuditRecordView(
    long Sequence, DateTimeOffset OccurredAt, string Service, string Actor, string? ActorName, string? Roles, string? State,
    string Action, string? Target, string Outcome, string? Detail, string? TraceId, string? ClientIp);

public sealed record AuditPage(IReadOnlyList<AuditRecordView> Records, long? Before);

public sealed record AuditChain(bool Intact, long Records, long? BrokenAt, string? Problem, bool Anchored = false, int Checkpoints = 0);

/// <summary>
/// The directory manager's view of the audit log: search by who, what, State, outcome and time,
/// newest first, a page at a time. Nothing here changes the log; each search is itself recorded.
/// </summary>
public static class AuditApi
{
    public const int MaxPageSize = 200;

    public static void MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var audit = routes.MapGroup("/api/identity/audit").RequireAuthorization(AccountPolicies.DirectoryManager);
        audit.MapGet("", SearchAsync).AuditedByHandler("audit.searched");
        audit.MapGet("/verification", VerifyAsync).Audited("audit.verified", ResourceNames.Identity);
    }

    private static async Task<IResult> SearchAsync(
        PocIdentityDbContext db, HttpContext http, CancellationToken ct,
        string? actor = null, string? action = null, string? state = null, string? outcome = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, long? before = null, int limit = 50)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Between 1 and {MaxPageSize}."];
        }
        if (from is not null && to is not null && from > to)
        {
            errors["from"] = ["The start comes after the end."];
        }
        if (outcome is not null && outcome is not (AuditOutcomes.Success or AuditOutcomes.Failure))
        {
            errors["outcome"] = [$"'{AuditOutcomes.Success}' or '{AuditOutcomes.Failure}'."];
        }
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "The search cannot be run.");
        }

        var query = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(actor))
        {
            // An account is found by its id or by its e-mail address.
            var ids = await db.Users.Where(u => u.Email == actor.Trim()).Select(u => u.Id).ToListAsync(ct);
            ids.Add(actor.Trim());
            query = query.Where(a => ids.Contains(a.Actor) || ids.Contains(a.Target!));
        }
        if (!string.IsNullOrWhiteSpace(action))
        {
            query = query.Where(a => a.Action.StartsWith(action.Trim()));
        }
        if (!string.IsNullOrWhiteSpace(state))
        {
            query = query.Where(a => a.State == state.Trim().ToUpperInvariant());
        }
        if (outcome is not null)
        {
            query = query.Where(a => a.Outcome == outcome);
        }
        if (from is not null)
        {
            query = query.Where(a => a.OccurredAt >= from);
        }
        if (to is not null)
        {
            query = query.Where(a => a.OccurredAt <= to);
        }
        if (before is not null)
        {
            query = query.Where(a => a.Sequence < before);
        }
        var entries = await query.OrderByDescending(a => a.Sequence).Take(limit + 1).ToListAsync(ct);
        var page = entries.Take(limit).ToList();
        var actors = page.Select(a => a.Actor).Distinct().ToList();
        var names = await db.Users.Where(u => actors.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName + " <" + u.Email + ">", ct);

        db.AddAuditRecord(ResourceNames.Identity, "audit.searched", AuditOutcomes.Success, http,
            detail: string.Join(' ', new[] { ("actor", actor), ("action", action), ("state", state), ("outcome", outcome), ("from", from?.ToString("o")), ("to", to?.ToString("o")) }
                .Where(f => !string.IsNullOrWhiteSpace(f.Item2)).Select(f => $"{f.Item1}={f.Item2}")));
        await db.SaveChangesAsync(ct);

        return Results.Ok(new AuditPage(
            page.Select(a => new AuditRecordView(a.Sequence, a.OccurredAt, a.Service, a.Actor, names.GetValueOrDefault(a.Actor), a.Roles, a.State,
                a.Action, a.Target, a.Outcome, a.Detail, a.TraceId, a.ClientIp)).ToList(),
            entries.Count > limit ? page[^1].Sequence : null));
    }

    private static async Task<AuditChain> VerifyAsync(PocIdentityDbContext db, AuditChainKey key, AuditCheckpointFile checkpoints, CancellationToken ct)
    {
        var result = await AuditLog.VerifyAsync(db, key.Bytes, checkpoints, ct);
        return new AuditChain(result.Intact, result.Records, result.BrokenAt, result.Problem, result.Anchored, result.Checkpoints);
    }
}
