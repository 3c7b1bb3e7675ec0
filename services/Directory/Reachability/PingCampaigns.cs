using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.Security;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Identity;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.Apis;
using PocDirectory.Directory.Model;
using PocDirectory.Directory.PointsOfContact;

namespace PocDirectory.Directory.Reachability;

/// <summary>What the directory manager asks for: every list optional (empty means all), hours optional.</summary>
/// <summary>
/// What the directory manager asks for: regional groups, types and States narrow the scope (an empty
/// list means any); <see cref="Everyone"/> must be said outright to ask every listed point of contact.
/// </summary>
public sealed record PingCampaignRequest(
    List<string>? RegionalGroups, List<string>? Types, List<string>? States, int? WindowHours, List<int>? ReminderHours, bool? Everyone = null);

public enum AcknowledgeOutcome
{
    Acknowledged,
    NotFound,
    AlreadyAcknowledged,
    Closed,
}

/// <summary>
/// Starts ping campaigns, sends their reminders and closes them, and takes acknowledgements. Every
/// change commits with the e-mails and events it causes (outbox); each e-mail's id is derived from the
/// campaign, the point of contact and the round, so Notifications sends each once.
/// </summary>
public sealed class PingCampaigns(DirectoryDbContext db, MemberStateReader memberStates, IConfiguration configuration, TimeProvider clock, DirectoryGeneration generation)
{
    public const int DefaultWindowHours = 72;
    public static readonly IReadOnlyList<int> DefaultReminderHours = [24, 48];
    public const int MaxWindowHours = 30 * 24;
    public const int MaxReminders = 5;

    private string WebUrl => AuthenticationExtensions.WebUrl(configuration) ?? AuthenticationExtensions.Issuer(configuration).ToString().TrimEnd('/');

    /// <summary>The request, checked and normalized; field errors otherwise.</summary>
    public static (PingScope Scope, int WindowHours, List<int> ReminderHours) Validate(PingCampaignRequest request, IReadOnlySet<string> knownStates)
    {
        var errors = new FieldErrors();
        var groups = new List<string>();
        foreach (var value in request.RegionalGroups ?? [])
        {
            if (RegionalGroups.TryParse(value, out var group) && group != RegionalGroup.None)
            {
                groups.Add(group.ToString());
            }
            else
            {
                errors.Add("regionalGroups", $"'{value}' is not a regional group. Allowed: {RegionalGroups.AllowedValues}.");
            }
        }
        var types = new List<string>();
        foreach (var value in request.Types ?? [])
        {
            var type = value?.Trim().ToLowerInvariant() ?? "";
            if (PocTypes.All.Contains(type))
            {
                types.Add(type);
            }
            else
            {
                errors.Add("types", $"'{value}' is not a type of point of contact: diplomatic or technical.");
            }
        }
        var states = new List<string>();
        foreach (var value in request.States ?? [])
        {
            var state = value?.Trim().ToUpperInvariant() ?? "";
            if (knownStates.Contains(state))
            {
                states.Add(state);
            }
            else
            {
                errors.Add("states", $"'{value}' is not a Member State or observer State (by its three-letter code, e.g. KEN for Kenya).");
            }
        }
        if ((request.RegionalGroups?.Count ?? 0) + (request.Types?.Count ?? 0) + (request.States?.Count ?? 0) == 0 && request.Everyone != true)
        {
            errors.Add("scope", "Choose at least one regional group, type or State, or ask everyone listed.");
        }
        var window = request.WindowHours ?? DefaultWindowHours;
        if (window is < 1 or > MaxWindowHours)
        {
            errors.Add("windowHours", $"The response window is between 1 and {MaxWindowHours} hours.");
        }
        var reminders = request.ReminderHours ?? [.. DefaultReminderHours.Where(h => h < window)];
        if (reminders.Count > MaxReminders)
        {
            errors.Add("reminderHours", $"At most {MaxReminders} reminders.");
        }
        if (reminders.Any(h => h < 1 || h >= window))
        {
            errors.Add("reminderHours", "Each reminder is sent after at least one hour and before the window closes.");
        }
        if (reminders.Distinct().Count() != reminders.Count)
        {
            errors.Add("reminderHours", "Each reminder time is given once.");
        }
        errors.ThrowIfAny();
        return (new PingScope([.. groups.Distinct()], [.. types.Distinct()], [.. states.Distinct()]), window, [.. reminders.Order()]);
    }

    /// <summary>Starts a campaign to every listed point of contact in scope; the caller's transaction is its own.</summary>
    public async Task<PingCampaign> StartAsync(PingCampaignRequest request, Caller caller, CancellationToken ct)
    {
        var states = await memberStates.ByIso3Async(ct);
        var (scope, window, reminders) = Validate(request, states.Keys.ToHashSet(StringComparer.Ordinal));
        var listed = await db.Entries.AsNoTracking().Where(e => e.Status == EntryStatus.Listed).ToListAsync(ct);
        var inScope = listed
            .Select(e => (Entry: e, Group: states.TryGetValue(e.State, out var s) ? s.RegionalGroup : ""))
            .Where(x => scope.Includes(x.Group, x.Entry.Details!.Type, x.Entry.State))
            .OrderBy(x => x.Entry.State, StringComparer.Ordinal).ThenBy(x => x.Entry.PocId)
            .ToList();
        if (inScope.Count == 0)
        {
            var errors = new FieldErrors();
            errors.Add("scope", "No listed point of contact is in this scope.");
            errors.ThrowIfAny();
        }

        var now = clock.GetUtcNow();
        var campaign = new PingCampaign
        {
            Id = Guid.CreateVersion7(now),
            Scope = scope,
            WindowHours = window,
            ReminderHours = reminders,
            StartedAt = now,
            StartedBy = caller.Subject,
            StartedByName = caller.Name,
            ClosesAt = now.AddHours(window),
            Status = CampaignStatus.Open,
            RecipientCount = inScope.Count,
        };
        campaign.NextDueAt = campaign.NextDue();
        db.PingCampaigns.Add(campaign);
        var recipients = inScope.ConvertAll(x => new PingRecipient
        {
            CampaignId = campaign.Id,
            PocId = x.Entry.PocId,
            State = x.Entry.State,
            RegionalGroup = x.Group,
            Type = x.Entry.Details!.Type,
            FullName = x.Entry.Details.FullName,
            Email = x.Entry.Details.Email,
        });
        // Thousands of rows: copied in (one statement), where the change tracker took seconds.
        await db.CopyInsertAsync(recipients, ct);
        await AskAsync(campaign, recipients, round: 0, ct);
        await db.SaveChangesAsync(ct);
        // A new test makes its points of contact pending again, except those already known to be unresponsive.
        var ids = recipients.ConvertAll(r => r.PocId);
        await db.Entries
            .Where(e => ids.Contains(e.PocId) && e.Reachability != ReachabilityStatus.Unresponsive)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.Reachability, ReachabilityStatus.Pending), ct);
        return campaign;
    }

    /// <summary>E-mails each recipient a new personal link: round 0 is the first e-mail, round k the k-th reminder.</summary>
    internal async Task AskAsync(PingCampaign campaign, IReadOnlyList<PingRecipient> recipients, int round, CancellationToken ct)
    {
        var states = await memberStates.ByIso3Async(ct);
        var emails = new List<SendEmail>(recipients.Count);
        var links = new List<PingLink>(recipients.Count);
        foreach (var recipient in recipients)
        {
            var token = OneTimeTokens.New();
            var emailId = DerivedIds.From("ping", campaign.Id.ToString(), recipient.PocId.ToString(), round.ToString(CultureInfo.InvariantCulture));
            links.Add(new PingLink { TokenHash = OneTimeTokens.Hash(token), CampaignId = campaign.Id, PocId = recipient.PocId, EmailId = emailId });
            emails.Add(new SendEmail
            {
                EmailId = emailId,
                To = recipient.Email,
                ToName = recipient.FullName,
                Template = "ping-test",
                RequestedBy = ResourceNames.Directory,
                Values = new Dictionary<string, string>
                {
                    ["name"] = recipient.FullName,
                    ["state"] = states.TryGetValue(recipient.State, out var s) ? s.Name : recipient.State,
                    ["type"] = recipient.Type,
                    ["link"] = $"{WebUrl}/ping/acknowledge?token={token}",
                    ["closes"] = campaign.ClosesAt.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture),
                    ["reminder"] = round > 0 ? "yes" : "",
                },
            });
        }
        await db.CopyInsertAsync(links, ct);
        foreach (var chunk in emails.Chunk(SendEmailBatch.MaxSize))
        {
            db.AddIntegrationEvent(new SendEmailBatch { Emails = chunk });
        }
    }

    /// <summary>
    /// Closes the window: the recipients who neither answered nor were undeliverable missed it (two in a
    /// row makes a point of contact unresponsive), and each of their States' focal points is told who.
    /// </summary>
    internal async Task CloseAsync(PingCampaign campaign, DateTimeOffset now, CancellationToken ct)
    {
        await db.PingRecipients
            .Where(r => r.CampaignId == campaign.Id && r.AcknowledgedAt == null && r.UndeliverableAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Missed, true), ct);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE poc_entries e
            SET "MissedInARow" = e."MissedInARow" + 1,
                "Reachability" = CASE WHEN e."MissedInARow" + 1 >= {ReachabilityStatus.MissesForUnresponsive} THEN {ReachabilityStatus.Unresponsive} ELSE {ReachabilityStatus.Pending} END
            FROM ping_recipients r
            WHERE r."CampaignId" = {campaign.Id} AND r."Missed" AND e."PocId" = r."PocId"
            """, ct);
        var missed = await db.PingRecipients.AsNoTracking()
            .Where(r => r.CampaignId == campaign.Id && r.Missed)
            .OrderBy(r => r.State).ThenBy(r => r.Type).ThenBy(r => r.FullName)
            .ToListAsync(ct);
        var states = await memberStates.ByIso3Async(ct);
        foreach (var state in missed.GroupBy(r => r.State))
        {
            db.AddIntegrationEvent(new EmailFocalPoints
            {
                RequestId = DerivedIds.From("ping-non-responders", campaign.Id.ToString(), state.Key),
                State = state.Key,
                Template = "ping-non-responders",
                RequestedBy = ResourceNames.Directory,
                Values = new Dictionary<string, string>
                {
                    ["state"] = states.TryGetValue(state.Key, out var s) ? s.Name : state.Key,
                    ["count"] = state.Count().ToString(CultureInfo.InvariantCulture),
                    ["started"] = campaign.StartedAt.ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
                    ["list"] = string.Join("\n", state.Select(r => $"- {r.FullName} ({r.Type})")),
                    ["link"] = $"{WebUrl}/ping/campaigns/{campaign.Id}",
                },
            });
        }
        campaign.Status = CampaignStatus.Closed;
        campaign.ClosedAt = now;
    }

    /// <summary>
    /// Acknowledges with an e-mailed link: the link names the campaign and the point of contact.
    /// <paramref name="audit"/> adds the record of this use (any outcome) to the change: both commit in
    /// one transaction, so no acknowledgement is ever without its audit record, nor the other way round.
    /// </summary>
    public Task<AcknowledgeOutcome> AcknowledgeWithLinkAsync(string token, Action<AcknowledgeOutcome>? audit, CancellationToken ct) =>
        RecordedAsync(() => AcknowledgeAsync(OneTimeTokens.Hash(token), Guid.Empty, Guid.Empty, "link", ct), audit, ct);

    /// <summary>
    /// Acknowledges as a signed-in point of contact: the recipient with the caller's address and State;
    /// <paramref name="audit"/> as for a link.
    /// </summary>
    public Task<AcknowledgeOutcome> AcknowledgeSignedInAsync(Guid campaignId, Caller caller, Action<AcknowledgeOutcome>? audit, CancellationToken ct) =>
        RecordedAsync(() => AcknowledgeSignedInAsync(campaignId, caller, ct), audit, ct);

    /// <summary>
    /// The acknowledgement and its audit record in one transaction; then, once both are committed, the
    /// other replicas are told that reachability changed (told before, one could reload without it).
    /// </summary>
    private async Task<AcknowledgeOutcome> RecordedAsync(Func<Task<AcknowledgeOutcome>> acknowledge, Action<AcknowledgeOutcome>? audit, CancellationToken ct)
    {
        AcknowledgeOutcome outcome;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            outcome = await acknowledge();
            audit?.Invoke(outcome);
            // Not cancelled once the acknowledgement is made: a caller gone mid-commit must not leave it committed untold.
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        if (outcome == AcknowledgeOutcome.Acknowledged)
        {
            await generation.ReachabilityChangedAsync();
        }
        return outcome;
    }

    private async Task<AcknowledgeOutcome> AcknowledgeSignedInAsync(Guid campaignId, Caller caller, CancellationToken ct)
    {
        if (caller.Email is not { } email || caller.State is not { } state)
        {
            return AcknowledgeOutcome.NotFound;
        }
        var normalized = email.Trim().ToLowerInvariant();
        var pocIds = await db.PingRecipients.AsNoTracking()
            .Where(r => r.CampaignId == campaignId && r.State == state && r.Email.ToLower() == normalized)
            .Select(r => r.PocId).ToListAsync(ct);
        if (pocIds.Count == 0)
        {
            return AcknowledgeOutcome.NotFound;
        }
        var outcome = AcknowledgeOutcome.AlreadyAcknowledged;
        foreach (var pocId in pocIds) // one person may be listed twice (e.g. main and alternate)
        {
            var one = await AcknowledgeAsync([], campaignId, pocId, "web", ct);
            outcome = one == AcknowledgeOutcome.Acknowledged || outcome == AcknowledgeOutcome.Acknowledged ? AcknowledgeOutcome.Acknowledged : one;
        }
        return outcome;
    }

    /// <summary>
    /// One statement: the recipient named by a link's hash, or by its campaign and point of contact, if
    /// still unanswered in an open campaign, and its entry, verified now. Why not, only otherwise.
    /// </summary>
    private async Task<AcknowledgeOutcome> AcknowledgeAsync(byte[] hash, Guid campaignId, Guid pocId, string via, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Not composed (EF would wrap it in a sub-query, where PostgreSQL refuses data-modifying WITH clauses).
        var acknowledged = (await db.Database.SqlQuery<int>($"""
            WITH target AS (
                SELECT "CampaignId", "PocId" FROM ping_links
                WHERE "TokenHash" = {hash} OR ("CampaignId" = {campaignId} AND "PocId" = {pocId})
                LIMIT 1),
            acked AS (
                UPDATE ping_recipients r SET "AcknowledgedAt" = {now}, "AcknowledgedVia" = {via}
                FROM target, ping_campaigns c
                WHERE r."CampaignId" = target."CampaignId" AND r."PocId" = target."PocId" AND r."AcknowledgedAt" IS NULL
                  AND c."Id" = r."CampaignId" AND c."Status" = 'Open'
                RETURNING r."PocId"),
            verified AS (
                UPDATE poc_entries e SET "Reachability" = {ReachabilityStatus.Verified}, "LastVerifiedAt" = {now}, "MissedInARow" = 0
                FROM acked WHERE e."PocId" = acked."PocId"
                RETURNING 1)
            SELECT count(*)::int AS "Value" FROM acked
            """).ToListAsync(ct)).Single();
        if (acknowledged > 0)
        {
            return AcknowledgeOutcome.Acknowledged;
        }
        var link = await db.PingLinks.AsNoTracking()
            .Where(l => l.TokenHash == hash || (l.CampaignId == campaignId && l.PocId == pocId))
            .Select(l => new { l.CampaignId, l.PocId }).FirstOrDefaultAsync(ct);
        return link is null ? AcknowledgeOutcome.NotFound : await WhyNotAsync(link.CampaignId, link.PocId, ct);
    }

    /// <summary>Why a recipient's acknowledgement changed nothing: unknown, already given, or the window closed.</summary>
    private async Task<AcknowledgeOutcome> WhyNotAsync(Guid campaignId, Guid pocId, CancellationToken ct)
    {
        var state = await db.PingRecipients.AsNoTracking()
            .Where(r => r.CampaignId == campaignId && r.PocId == pocId)
            .Join(db.PingCampaigns, r => r.CampaignId, c => c.Id, (r, c) => new { r.AcknowledgedAt, c.Status })
            .SingleOrDefaultAsync(ct);
        return state is null ? AcknowledgeOutcome.NotFound
            : state.AcknowledgedAt is not null ? AcknowledgeOutcome.AlreadyAcknowledged
            : AcknowledgeOutcome.Closed;
    }
}
