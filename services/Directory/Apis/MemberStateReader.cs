using System.ComponentModel;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.Model;

namespace PocDirectory.Directory.Apis;

/// <summary>The State list as it sits in the cache: one shared, never modified instance.</summary>
[ImmutableObject(true)]
public sealed record MemberStateList(IReadOnlyList<MemberStateResponse> States);

/// <summary>
/// Reads the State list through <see cref="HybridCache"/>: the list changes rarely and is read on
/// every page. Each filter's answer is cached as the JSON bytes sent, so a read from memory neither
/// queries nor serializes. When Redis is down the process memory and the database answer alone; a
/// cache fault never fails a request.
/// </summary>
public sealed class MemberStateReader(
    IServiceScopeFactory scopes,
    HybridCache cache,
    CacheInvalidator invalidator,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    public const string KeyPrefix = "directory:member-states:v2:";
    public const string ListKey = KeyPrefix + "list";

    /// <summary>The cache's name in <see cref="CacheMetrics"/>.</summary>
    public const string CacheName = "member-states";

    public async Task<IReadOnlyList<MemberStateResponse>> GetAllAsync(CancellationToken ct)
    {
        var (states, missed) = await ReadListAsync(ct);
        Count(missed);
        return states;
    }

    /// <summary>The list, and whether it had to be read from the database; not counted (a read of the filtered forms counts once).</summary>
    private async Task<(IReadOnlyList<MemberStateResponse> States, bool Missed)> ReadListAsync(CancellationToken ct)
    {
        var missed = false;
        var list = await cache.GetOrCreateAsync(ListKey, async token =>
        {
            missed = true;
            // A scope of its own: callers waiting for the same fill share this call, and it must
            // outlive the request that started it.
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            var states = await db.MemberStates.AsNoTracking().OrderBy(s => s.Name).ToListAsync(token);
            return new MemberStateList(states.Select(MemberStateResponse.From).ToList());
        }, cancellationToken: ct);
        return (list.States, missed);
    }

    /// <summary>The cached list by ISO 3166-1 alpha-3 code, for naming the States of other records.</summary>
    public async Task<IReadOnlyDictionary<string, MemberStateResponse>> ByIso3Async(CancellationToken ct) =>
        (await GetAllAsync(ct)).ToDictionary(s => s.Iso3, StringComparer.Ordinal);

    /// <summary>The list, filtered, as the JSON body of the answer.</summary>
    public async ValueTask<CachedJson> GetJsonAsync(RegionalGroup? group, UnStatus? status, CancellationToken ct)
    {
        var missed = false;
        var body = await cache.GetOrCreateAsync(JsonKey(group, status), async token =>
        {
            missed = true;
            var (all, _) = await ReadListAsync(token);
            var filtered = all
                .Where(s => group is null || s.RegionalGroup == group.ToString())
                .Where(s => status is null || s.UnStatus == status.ToString())
                .ToList();
            return CachedJson.Serialize(filtered, json.Value.SerializerOptions);
        }, cancellationToken: ct);
        Count(missed);
        return body;
    }

    /// <summary>A read answered from memory or Redis is a hit; one whose factory ran a miss (a read that joined another's fill counts as a hit).</summary>
    private static void Count(bool missed)
    {
        if (missed)
        {
            CacheMetrics.Miss(CacheName);
        }
        else
        {
            CacheMetrics.Hit(CacheName);
        }
    }

    /// <summary>Drops every cached form of the list, in this replica and in every other.</summary>
    public Task InvalidateAsync(CancellationToken ct = default) => invalidator.InvalidateAsync(AllKeys, ct);

    public static string JsonKey(RegionalGroup? group, UnStatus? status) =>
        $"{KeyPrefix}json:{group?.ToString() ?? "all"}:{status?.ToString() ?? "all"}";

    /// <summary>Every key the reader can fill: the list and each combination of filters.</summary>
    public static readonly IReadOnlyList<string> AllKeys =
    [
        ListKey,
        .. from g in Enum.GetValues<RegionalGroup>().Select(g => (RegionalGroup?)g).Append(null)
           from s in Enum.GetValues<UnStatus>().Select(s => (UnStatus?)s).Append(null)
           select JsonKey(g, s),
    ];
}
