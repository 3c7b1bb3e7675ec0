using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;

namespace PocDirectory.Nominations.Workflow;

/// <summary>
/// The operations team's view of the nominations' work: nominations by status (how many wait for their nominee or for the
/// Secretariat's review) and the States' update requests by status (overdue ones flag a State in the directory).
/// Counts only: no State, no person.
/// </summary>
public sealed class NominationCounts : RowCounts
{
    public NominationCounts(IMeterFactory meters, IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<NominationCounts> logger)
        : base("PocDirectory.Nominations", meters, scopes, configuration, clock, logger)
    {
        Gauge("nominations", "{nomination}", "Nominations by status");
        Gauge("update_requests", "{request}", "The States' periodic update requests by status; overdue ones flag the State in the directory");
    }

    protected override async Task<IReadOnlyDictionary<string, IReadOnlyList<Measurement<long>>>> CountAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<NominationsDbContext>();
        var nominations = await db.Nominations.AsNoTracking().GroupBy(n => n.Status).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var requests = await db.UpdateRequests.AsNoTracking().GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        return new Dictionary<string, IReadOnlyList<Measurement<long>>>
        {
            ["nominations"] = ByTag("status", Enum.GetValues<NominationStatus>().Select(StatusName),
                nominations.ToDictionary(n => StatusName(n.Key), n => n.Count)),
            ["update_requests"] = ByTag("status", UpdateRequestStatus.All, requests.ToDictionary(r => r.Key, r => r.Count)),
        };
    }

    /// <summary>A status in kebab case, as the update requests' are: "pending-review", "awaiting-confirmation".</summary>
    private static string StatusName(NominationStatus status) =>
        System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());
}
