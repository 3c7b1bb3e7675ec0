using System.Net;
using System.Net.Http.Json;

namespace PocDirectory.Web.Services;

public sealed record PingCampaignSummary(
    Guid Id, string Scope, string Status, DateTimeOffset StartedAt, string StartedByName, DateTimeOffset ClosesAt, DateTimeOffset? ClosedAt,
    int WindowHours, IReadOnlyList<int> ReminderHours, int RemindersSent, int Asked, int Acknowledged, double Rate);
public sealed record RateRow(string Key, string Label, int Asked, int Acknowledged, int Undeliverable, int Waiting, int Missed, double Rate);
public sealed record TimelinePoint(double Hours, int Acknowledged);
public sealed record NonResponder(Guid PocId, string FullName, string State, string StateName, string Type, string Status, string? Reason);
public sealed record PingResults(
    PingCampaignSummary Campaign, string? State, RateRow Overall, IReadOnlyList<RateRow> ByRegionalGroup, IReadOnlyList<RateRow> ByType,
    IReadOnlyList<RateRow> ByState, double? MedianMinutes, double? P90Minutes, IReadOnlyList<NonResponder> NonResponders, IReadOnlyList<TimelinePoint> Timeline);
public sealed record AwaitingPing(Guid CampaignId, DateTimeOffset StartedAt, DateTimeOffset ClosesAt);
public sealed record ReachabilityEntry(Guid PocId, string FullName, string State, string StateName, string Type, string Reachability, int MissedInARow, DateTimeOffset? LastVerifiedAt);
public sealed record OverdueState(string State, string StateName, DateTimeOffset RequestedAt, DateTimeOffset OverdueSince);
public sealed record ReachabilityOverview(
    IReadOnlyDictionary<string, int> Counts, IReadOnlyList<ReachabilityEntry> NotReachable, IReadOnlyList<OverdueState> OverdueStates, PingCampaignSummary? LatestCampaign);

/// <summary>Ping tests through the gateway: campaigns and results with the signed-in person's token; the e-mailed link without one.</summary>
public sealed class PingClient(HttpClient http)
{
    public async Task<(IReadOnlyList<PingCampaignSummary>? Campaigns, Refusal? Refusal)> CampaignsAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync("api/directory/ping/campaigns", ct);
        return await DirectoryClient.ReadAsync<List<PingCampaignSummary>>(response, ct);
    }

    public async Task<(PingResults? Results, Refusal? Refusal)> ResultsAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/directory/ping/campaigns/{id}", ct);
        return await DirectoryClient.ReadAsync<PingResults>(response, ct);
    }

    public async Task<(PingCampaignSummary? Campaign, FieldProblems? Problems, Refusal? Refusal)> StartAsync(object request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/directory/ping/campaigns", request, ct);
        return await DirectoryClient.ReadOrProblemsAsync<PingCampaignSummary>(response, ct);
    }

    /// <summary>Checks a request without starting anything: every field error at once, or none.</summary>
    public async Task<(FieldProblems? Problems, Refusal? Refusal)> CheckAsync(object request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/directory/ping/campaigns/check", request, ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
        {
            return (null, null);
        }
        return response.StatusCode == System.Net.HttpStatusCode.BadRequest
            ? (await DirectoryClient.ProblemsAsync(response, ct), null)
            : (null, await DirectoryClient.RefusalAsync(response, ct));
    }

    /// <summary>The CSV as the API sends it (status, type, file name, body).</summary>
    public Task<HttpResponseMessage> ExportAsync(Guid id, CancellationToken ct) =>
        http.GetAsync($"api/directory/ping/campaigns/{id}/export", HttpCompletionOption.ResponseHeadersRead, ct);

    public async Task<IReadOnlyList<AwaitingPing>> AwaitingAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync("api/directory/ping/awaiting", ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<List<AwaitingPing>>(ct) ?? [] : [];
    }

    /// <summary>Null when acknowledged now; otherwise why not (already, closed, unknown).</summary>
    public async Task<Refusal?> AcknowledgeAsync(Guid campaignId, CancellationToken ct)
    {
        using var response = await http.PostAsync($"api/directory/ping/campaigns/{campaignId}/acknowledgement", null, ct);
        return response.IsSuccessStatusCode ? null : await DirectoryClient.RefusalAsync(response, ct);
    }

    /// <summary>Acknowledges with an e-mailed link's token: 200, 404 (unknown), 410 (used or closed), or 400.</summary>
    public async Task<HttpStatusCode> AcknowledgeWithLinkAsync(string token, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/directory/ping/acknowledgements", new { token }, ct);
        return response.StatusCode;
    }

    public async Task<(ReachabilityOverview? Overview, Refusal? Refusal)> OverviewAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync("api/directory/reachability", ct);
        return await DirectoryClient.ReadAsync<ReachabilityOverview>(response, ct);
    }
}
