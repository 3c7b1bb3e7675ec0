using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Directory.Infrastructure;

namespace PocDirectory.Directory.Reachability;

/// <summary>
/// The last ping test's delivery as the operations team sees it, in counts only: how many points of contact it asked, and
/// how many acknowledged, could not be reached, are still waiting, or missed the window; whether its window is open, and
/// when it started. No State, no person.
/// </summary>
public sealed class PingCounts : RowCounts
{
    /// <summary>The outcomes counted, as the gauge's <c>outcome</c> tag says them.</summary>
    public static readonly IReadOnlyList<string> Outcomes = ["asked", "acknowledged", ReachabilityStatus.Undeliverable, "waiting", "missed"];

    public PingCounts(IMeterFactory meters, IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<PingCounts> logger)
        : base("PocDirectory.Reachability", meters, scopes, configuration, clock, logger)
    {
        Gauge("ping.campaign.last.recipients", "{contact}", "The last ping test's points of contact, by outcome (asked is all of them)");
        Gauge("ping.campaign.last.open", "{campaign}", "1 while the last ping test's window is open, 0 once it closed or when there was none");
        Gauge("ping.campaign.last.started", "s", "When the last ping test started, in seconds since 1970 (0 when there was none)");
    }

    protected override async Task<IReadOnlyDictionary<string, IReadOnlyList<Measurement<long>>>> CountAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<DirectoryDbContext>();
        var last = await db.PingCampaigns.AsNoTracking().OrderByDescending(c => c.StartedAt).Select(c => new { c.Id, c.Status, c.StartedAt }).FirstOrDefaultAsync(ct);
        var counted = new Dictionary<string, long>();
        if (last is not null)
        {
            // The outcomes as the campaign's results give them (PingResults): acknowledged first, then undeliverable, then missed.
            var recipients = await db.PingRecipients.AsNoTracking().Where(r => r.CampaignId == last.Id)
                .GroupBy(r => 1)
                .Select(g => new
                {
                    Asked = g.LongCount(),
                    Acknowledged = g.LongCount(r => r.AcknowledgedAt != null),
                    Undeliverable = g.LongCount(r => r.AcknowledgedAt == null && r.UndeliverableAt != null),
                    Missed = g.LongCount(r => r.AcknowledgedAt == null && r.UndeliverableAt == null && r.Missed),
                })
                .SingleOrDefaultAsync(ct);
            if (recipients is not null)
            {
                counted["asked"] = recipients.Asked;
                counted["acknowledged"] = recipients.Acknowledged;
                counted[ReachabilityStatus.Undeliverable] = recipients.Undeliverable;
                counted["missed"] = recipients.Missed;
                counted["waiting"] = recipients.Asked - recipients.Acknowledged - recipients.Undeliverable - recipients.Missed;
            }
        }
        return new Dictionary<string, IReadOnlyList<Measurement<long>>>
        {
            ["ping.campaign.last.recipients"] = ByTag("outcome", Outcomes, counted),
            ["ping.campaign.last.open"] = [new(last?.Status == CampaignStatus.Open ? 1 : 0)],
            ["ping.campaign.last.started"] = [new(last?.StartedAt.ToUnixTimeSeconds() ?? 0)],
        };
    }
}
