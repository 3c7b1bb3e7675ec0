using System.Globalization;
using System.Security.Claims;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.Nominations;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.PointsOfContact;
using PocDirectory.Directory.Reachability;

namespace PocDirectory.Directory.Apis;

public sealed record AcknowledgementRequest(string? Token);

public sealed record AcknowledgementResult(bool Acknowledged);

/// <summary>An open campaign waiting for the signed-in point of contact's answer.</summary>
public sealed record AwaitingPing(Guid CampaignId, DateTimeOffset StartedAt, DateTimeOffset ClosesAt);

public sealed record ReachabilityEntry(Guid PocId, string FullName, string State, string StateName, string Type, string Reachability, int MissedInARow, DateTimeOffset? LastVerifiedAt);

public sealed record OverdueState(string State, string StateName, DateTimeOffset RequestedAt, DateTimeOffset OverdueSince);

/// <summary>The directory manager's overview: how many can be reached, who cannot, and which States are overdue.</summary>
public sealed record ReachabilityOverview(
    IReadOnlyDictionary<string, int> Counts, IReadOnlyList<ReachabilityEntry> NotReachable, IReadOnlyList<OverdueState> OverdueStates, PingCampaignSummary? LatestCampaign);

/// <summary>
/// Ping tests: the directory manager starts campaigns and sees every result; a State's focal point sees
/// its State's part; a point of contact acknowledges, with its e-mailed link (no sign-in) or signed in.
/// </summary>
public static class PingCampaignsApi
{
    public static void MapPingCampaignsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/directory").WithTags("Ping tests");
        api.MapPost("/ping/campaigns", StartAsync).AuditedByHandler("ping.started").WithSummary("Start a ping campaign (directory manager)")
            .Produces<PingCampaignSummary>(StatusCodes.Status201Created).ProducesValidationProblem();
        api.MapPost("/ping/campaigns/check", CheckAsync).NotAudited("checks a request; starts nothing and reads no contact details")
            .WithSummary("Check a ping test's request without starting it: every field error at once (directory manager)")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem();
        api.MapGet("/ping/campaigns", ListAsync).NotAudited("campaigns and their counts, no contact details").WithSummary("Campaigns: all for the directory manager, those that asked its State for a focal point");
        api.MapGet("/ping/campaigns/{id:guid}", ResultsAsync).Audited("ping.results-read", ResourceNames.Directory).WithSummary("A campaign's results, live (a focal point sees its State's part)");
        api.MapGet("/ping/campaigns/{id:guid}/export", ExportAsync).AuditedByHandler("ping.exported").WithSummary("A campaign's results per point of contact, as CSV (directory manager, audited)");
        api.MapPost("/ping/campaigns/{id:guid}/acknowledgement", AcknowledgeSignedInAsync).AuditedByHandler("ping.acknowledged").WithSummary("Acknowledge a ping test as the signed-in point of contact");
        api.MapGet("/ping/awaiting", AwaitingAsync).NotAudited("the caller's own open campaigns").WithSummary("Open campaigns waiting for the signed-in person's acknowledgement");
        api.MapPost("/ping/acknowledgements", AcknowledgeWithLinkAsync).AuditedByHandler("ping.acknowledged-by-link").AllowAnonymous()
            .WithSummary("Acknowledge with the e-mailed link's token (no sign-in; the token is the credential, it works once)");
        api.MapGet("/reachability", OverviewAsync).Audited("directory.reachability-read", ResourceNames.Directory).WithSummary("Who can be reached, who cannot, overdue States (directory manager)");
    }

    private static IResult NotAllowed(string detail) =>
        TypedResults.Problem(title: "Not allowed.", detail: detail, statusCode: StatusCodes.Status403Forbidden);

    private static IResult NoCampaign() =>
        TypedResults.Problem(title: "No such campaign.", detail: "No ping campaign with this id is visible to you.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The State whose part a person may read (null: everything), or a refusal.</summary>
    private static (string? State, IResult? Refusal) Reader(Caller caller)
    {
        if (caller.IsDirectoryManager)
        {
            return (null, null);
        }
        if (!caller.IsMachine && caller.State is { } state && caller.Roles.Contains(Roles.FocalPoint))
        {
            return (state, null);
        }
        return (null, NotAllowed("Ping test results are shown to the directory manager, and to each State's focal point for its own State."));
    }

    private static async Task<IResult> StartAsync(
        PingCampaignRequest? request, ClaimsPrincipal user, PingCampaigns campaigns, DirectoryDbContext db, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!caller.IsDirectoryManager)
        {
            return NotAllowed("Only the directory manager starts ping tests.");
        }
        PingCampaign campaign;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                campaign = await campaigns.StartAsync(request ?? new PingCampaignRequest(null, null, null, null, null), caller, ct);
            }
            catch (FieldErrorsException ex)
            {
                return TypedResults.ValidationProblem(ex.Errors, title: "The ping test is not valid.");
            }
            db.AddAuditRecord(ResourceNames.Directory, "ping.started", AuditOutcomes.Success, http,
                target: campaign.Id.ToString(), detail: $"{campaign.Scope.Describe()}; {campaign.RecipientCount} points of contact; {campaign.WindowHours} h");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return TypedResults.Created($"/api/directory/ping/campaigns/{campaign.Id}", PingCampaignSummary.From(campaign, campaign.RecipientCount, 0));
    }

    private static async Task<IResult> CheckAsync(PingCampaignRequest? request, ClaimsPrincipal user, MemberStateReader memberStates, CancellationToken ct)
    {
        if (!Caller.From(user).IsDirectoryManager)
        {
            return NotAllowed("Only the directory manager starts ping tests.");
        }
        try
        {
            PingCampaigns.Validate(request ?? new PingCampaignRequest(null, null, null, null, null), (await memberStates.ByIso3Async(ct)).Keys.ToHashSet(StringComparer.Ordinal));
            return TypedResults.NoContent();
        }
        catch (FieldErrorsException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors, title: "The ping test is not valid.");
        }
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, DirectoryDbContext db, MemberStateReader memberStates, CancellationToken ct)
    {
        var (state, refusal) = Reader(Caller.From(user));
        if (refusal is not null)
        {
            return refusal;
        }
        var counts = await db.PingRecipients.AsNoTracking()
            .Where(r => state == null || r.State == state)
            .GroupBy(r => r.CampaignId)
            .Select(g => new { CampaignId = g.Key, Asked = g.Count(), Acknowledged = g.Count(r => r.AcknowledgedAt != null) })
            .ToDictionaryAsync(c => c.CampaignId, ct);
        var list = await db.PingCampaigns.AsNoTracking().OrderByDescending(c => c.StartedAt).ToListAsync(ct);
        var names = await StateNamesAsync(memberStates, ct);
        return TypedResults.Ok(list
            .Where(c => counts.ContainsKey(c.Id))
            .Select(c => PingCampaignSummary.From(c, counts[c.Id].Asked, counts[c.Id].Acknowledged, code => names.GetValueOrDefault(code, code)))
            .ToList());
    }

    private static async Task<(PingCampaign Campaign, List<PingRecipient> Recipients)?> LoadAsync(DirectoryDbContext db, Guid id, string? state, CancellationToken ct)
    {
        var campaign = await db.PingCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return null;
        }
        var recipients = await db.PingRecipients.AsNoTracking()
            .Where(r => r.CampaignId == id && (state == null || r.State == state))
            .ToListAsync(ct);
        return recipients.Count == 0 ? null : (campaign, recipients);
    }

    private static async Task<IReadOnlyDictionary<string, string>> StateNamesAsync(MemberStateReader memberStates, CancellationToken ct) =>
        (await memberStates.ByIso3Async(ct)).ToDictionary(s => s.Key, s => s.Value.Name, StringComparer.Ordinal);

    private static async Task<IResult> ResultsAsync(Guid id, ClaimsPrincipal user, DirectoryDbContext db, MemberStateReader memberStates, TimeProvider clock, CancellationToken ct)
    {
        var (state, refusal) = Reader(Caller.From(user));
        if (refusal is not null)
        {
            return refusal;
        }
        if (await LoadAsync(db, id, state, ct) is not { } loaded)
        {
            return NoCampaign();
        }
        var names = await StateNamesAsync(memberStates, ct);
        return TypedResults.Ok(PingResults.Compute(loaded.Campaign, loaded.Recipients, names, state, clock.GetUtcNow()));
    }

    private static async Task<IResult> ExportAsync(Guid id, ClaimsPrincipal user, DirectoryDbContext db, MemberStateReader memberStates, HttpContext http, CancellationToken ct)
    {
        if (!Caller.From(user).IsDirectoryManager)
        {
            return NotAllowed("Only the directory manager exports ping test results.");
        }
        if (await LoadAsync(db, id, null, ct) is not { } loaded)
        {
            return NoCampaign();
        }
        var names = await StateNamesAsync(memberStates, ct);
        db.AddAuditRecord(ResourceNames.Directory, "ping.exported", AuditOutcomes.Success, http, target: id.ToString(), detail: $"{loaded.Recipients.Count} rows");
        await db.SaveChangesAsync(ct);
        var csv = Csv(loaded.Campaign, loaded.Recipients, names);
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8",
            $"ping-test-{loaded.Campaign.StartedAt:yyyyMMdd-HHmm}.csv");
    }

    public static string Csv(PingCampaign campaign, IReadOnlyList<PingRecipient> recipients, IReadOnlyDictionary<string, string> stateNames)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        foreach (var header in new[] { "campaign", "started_at", "poc_id", "state", "state_name", "regional_group", "type", "full_name", "email", "status", "acknowledged_at", "minutes_to_acknowledge", "acknowledged_via", "undeliverable_reason" })
        {
            csv.WriteField(header);
        }
        csv.NextRecord();
        foreach (var r in recipients.OrderBy(r => r.State, StringComparer.Ordinal).ThenBy(r => r.Type, StringComparer.Ordinal).ThenBy(r => r.FullName, StringComparer.InvariantCulture))
        {
            var status = r.AcknowledgedAt is not null ? "acknowledged" : r.UndeliverableAt is not null ? ReachabilityStatus.Undeliverable : r.Missed ? "missed" : "waiting";
            foreach (var field in new[]
            {
                campaign.Id.ToString(), campaign.StartedAt.ToString("O", CultureInfo.InvariantCulture), r.PocId.ToString(), r.State,
                stateNames.GetValueOrDefault(r.State, r.State), r.RegionalGroup, r.Type, PointsOfContactApi.SafeCell(r.FullName), PointsOfContactApi.SafeCell(r.Email), status,
                r.AcknowledgedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
                r.AcknowledgedAt is { } at ? Math.Round((at - campaign.StartedAt).TotalMinutes, 1).ToString(CultureInfo.InvariantCulture) : "",
                r.AcknowledgedVia ?? "", PointsOfContactApi.SafeCell(r.UndeliverableReason ?? ""),
            })
            {
                csv.WriteField(field);
            }
            csv.NextRecord();
        }
        csv.Flush();
        return text.ToString();
    }

    private static IResult Answer(AcknowledgeOutcome outcome) => outcome switch
    {
        AcknowledgeOutcome.Acknowledged => TypedResults.Ok(new AcknowledgementResult(true)),
        AcknowledgeOutcome.AlreadyAcknowledged => TypedResults.Problem(title: "Already acknowledged.",
            detail: "This ping test was already acknowledged; nothing more is needed.", statusCode: StatusCodes.Status410Gone),
        AcknowledgeOutcome.Closed => TypedResults.Problem(title: "This ping test has closed.",
            detail: "The response window has ended.", statusCode: StatusCodes.Status410Gone),
        _ => TypedResults.Problem(title: "Unknown link.", detail: "This acknowledgement link is not known.", statusCode: StatusCodes.Status404NotFound),
    };

    private static async Task<IResult> AcknowledgeWithLinkAsync(AcknowledgementRequest? request, PingCampaigns campaigns, DirectoryDbContext db, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request?.Token) || request.Token.Length > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = ["Give the token from the e-mailed link."] },
                title: "The acknowledgement is not valid.");
        }
        // Every use of a link is on record (an unknown one too: someone guessing), with the address it came from.
        var outcome = await campaigns.AcknowledgeWithLinkAsync(request.Token.Trim(), result =>
            db.AddAuditRecord(ResourceNames.Directory, "ping.acknowledged-by-link",
                result == AcknowledgeOutcome.Acknowledged ? AuditOutcomes.Success : AuditOutcomes.Failure, http,
                actor: "ping-link", detail: result.ToString()), ct);
        return Answer(outcome);
    }

    private static async Task<IResult> AcknowledgeSignedInAsync(Guid id, ClaimsPrincipal user, PingCampaigns campaigns, DirectoryDbContext db, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (caller.IsMachine || !caller.Roles.Contains(Roles.PointOfContact))
        {
            return NotAllowed("A ping test is acknowledged by the point of contact it was sent to.");
        }
        var outcome = await campaigns.AcknowledgeSignedInAsync(id, caller, result =>
        {
            if (result != AcknowledgeOutcome.NotFound)
            {
                db.AddAuditRecord(ResourceNames.Directory, "ping.acknowledged", result == AcknowledgeOutcome.Acknowledged ? AuditOutcomes.Success : AuditOutcomes.Failure, http,
                    target: id.ToString(), detail: result.ToString());
            }
        }, ct);
        return outcome == AcknowledgeOutcome.NotFound ? NoCampaign() : Answer(outcome);
    }

    private static async Task<IResult> AwaitingAsync(ClaimsPrincipal user, DirectoryDbContext db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (caller.IsMachine || !caller.Roles.Contains(Roles.PointOfContact) || caller.Email is not { } email || caller.State is not { } state)
        {
            return TypedResults.Ok(new List<AwaitingPing>());
        }
        var normalized = email.Trim().ToLowerInvariant();
        var awaiting = await db.PingRecipients.AsNoTracking()
            .Where(r => r.State == state && r.Email.ToLower() == normalized && r.AcknowledgedAt == null)
            .Join(db.PingCampaigns.Where(c => c.Status == CampaignStatus.Open), r => r.CampaignId, c => c.Id, (r, c) => new AwaitingPing(c.Id, c.StartedAt, c.ClosesAt))
            .Distinct()
            .ToListAsync(ct);
        return TypedResults.Ok(awaiting.OrderBy(a => a.ClosesAt).ToList());
    }

    private static async Task<IResult> OverviewAsync(ClaimsPrincipal user, DirectoryDbContext db, MemberStateReader memberStates, CancellationToken ct)
    {
        if (!Caller.From(user).IsDirectoryManager)
        {
            return NotAllowed("The reachability overview is the directory manager's.");
        }
        var names = await StateNamesAsync(memberStates, ct);
        var counts = await db.Entries.AsNoTracking().Where(e => e.Status == EntryStatus.Listed)
            .GroupBy(e => e.Reachability).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var notReachable = await db.Entries.AsNoTracking()
            .Where(e => e.Status == EntryStatus.Listed && (e.Reachability == ReachabilityStatus.Unresponsive || e.Reachability == ReachabilityStatus.Undeliverable))
            .ToListAsync(ct);
        var overdue = await db.StateUpdates.AsNoTracking().Where(s => s.Status == UpdateRequestStatusChanged.Overdue).ToListAsync(ct);
        var latest = await db.PingCampaigns.AsNoTracking().OrderByDescending(c => c.StartedAt).FirstOrDefaultAsync(ct);
        PingCampaignSummary? latestSummary = null;
        if (latest is not null)
        {
            var acknowledged = await db.PingRecipients.CountAsync(r => r.CampaignId == latest.Id && r.AcknowledgedAt != null, ct);
            latestSummary = PingCampaignSummary.From(latest, latest.RecipientCount, acknowledged, code => names.GetValueOrDefault(code, code));
        }
        return TypedResults.Ok(new ReachabilityOverview(
            ReachabilityStatus.All.ToDictionary(s => s, s => counts.SingleOrDefault(c => c.Key == s)?.Count ?? 0),
            notReachable
                .Select(e => new ReachabilityEntry(e.PocId, e.Details?.FullName ?? "", e.State, names.GetValueOrDefault(e.State, e.State), e.Details?.Type ?? "", e.Reachability, e.MissedInARow, e.LastVerifiedAt))
                .OrderBy(e => e.StateName, StringComparer.InvariantCulture).ThenBy(e => e.Type, StringComparer.Ordinal).ThenBy(e => e.FullName, StringComparer.InvariantCulture)
                .ToList(),
            overdue
                .Select(s => new OverdueState(s.State, names.GetValueOrDefault(s.State, s.State), s.RequestedAt, s.At))
                .OrderBy(s => s.StateName, StringComparer.InvariantCulture)
                .ToList(),
            latestSummary));
    }
}
