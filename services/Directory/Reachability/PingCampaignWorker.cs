using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.PointsOfContact;

namespace PocDirectory.Directory.Reachability;

/// <summary>
/// Sends ping campaigns' reminders and closes their windows when due. A campaign is its own deadline
/// row, claimed with <c>FOR UPDATE SKIP LOCKED</c>: with several replicas each step happens once, and
/// after a restart nothing due is missed. A worker that was stopped past several reminder times sends
/// only the latest one; past the close, none.
/// </summary>
public sealed partial class PingCampaignWorker(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<PingCampaignWorker> logger)
    : DeadlineWorker(clock, logger)
{
    protected override int Batch => 10;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(configuration.GetValue("Directory:PingCheckSeconds", 30));

    /// <summary>Handles up to one batch of due campaigns; returns how many.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var campaigns = scope.ServiceProvider.GetRequiredService<PingCampaigns>();
        var now = Clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // xmin, the row version, is a system column: "*" leaves it out.
        var due = await db.PingCampaigns
            .FromSql($"""
                SELECT *, xmin FROM ping_campaigns
                WHERE "Status" = 'Open' AND "NextDueAt" <= {now}
                ORDER BY "NextDueAt"
                LIMIT {Batch}
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(c => c.NextDueAt)
            .ToListAsync(ct);
        var closed = false;
        foreach (var campaign in due)
        {
            Claimed(campaign.NextDueAt);
            if (campaign.ClosesAt <= now)
            {
                campaign.RemindersSent = campaign.ReminderHours.Count;
                await campaigns.CloseAsync(campaign, now, ct);
                closed = true;
                LogClosed(campaign.Id);
                continue;
            }
            var dueReminders = 0;
            while (campaign.RemindersSent + dueReminders < campaign.ReminderHours.Count
                   && campaign.StartedAt.AddHours(campaign.ReminderHours[campaign.RemindersSent + dueReminders]) <= now)
            {
                dueReminders++;
            }
            if (dueReminders > 0)
            {
                campaign.RemindersSent += dueReminders;
                var waiting = await db.PingRecipients.AsNoTracking()
                    .Where(r => r.CampaignId == campaign.Id && r.AcknowledgedAt == null && r.UndeliverableAt == null)
                    .OrderBy(r => r.State).ThenBy(r => r.PocId)
                    .ToListAsync(ct);
                await campaigns.AskAsync(campaign, waiting, campaign.RemindersSent, ct);
                LogReminded(campaign.Id, campaign.RemindersSent, waiting.Count);
            }
            campaign.NextDueAt = campaign.NextDue();
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (closed)
        {
            await scope.ServiceProvider.GetRequiredService<DirectoryGeneration>().ReachabilityChangedAsync();
        }
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ping campaign {CampaignId}: reminder {Round} sent to {Count} points of contact")]
    private partial void LogReminded(Guid campaignId, int round, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ping campaign {CampaignId} closed")]
    private partial void LogClosed(Guid campaignId);
}
