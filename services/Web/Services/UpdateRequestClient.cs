using System.Net;
using System.Net.Http.Json;

namespace PocDirectory.Web.Services;

public sealed record UpdateRequestSummary(
    Guid Id, string State, string StateName, string Status, DateTimeOffset RequestedAt, DateTimeOffset DueAt,
    DateTimeOffset? RemindedAt, DateTimeOffset? OverdueAt, DateTimeOffset? AnsweredAt, int Confirmed, int Total)
{
    public bool IsAnswerable => Status is "open" or "overdue";
}

public sealed record UpdateRequestEntryView(Guid PocId, string FullName, string Type, string? Outcome, DateTimeOffset? ConfirmedAt);

public sealed record UpdateRequestView(UpdateRequestSummary Summary, IReadOnlyList<UpdateRequestEntryView> Entries);

public sealed record RoundStarted(int Asked, IReadOnlyList<string> States);

/// <summary>Nominations' update requests through the gateway, with the signed-in person's token.</summary>
public sealed class UpdateRequestClient(HttpClient http)
{
    /// <summary>Each State's latest update request (the directory manager), or the caller's own State's (a focal point).</summary>
    public async Task<(IReadOnlyList<UpdateRequestSummary>? Requests, Refusal? Refusal)> ListAsync(string? status, CancellationToken ct)
    {
        using var response = await http.GetAsync("api/nominations/update-requests" + (status is null ? "" : $"?status={Uri.EscapeDataString(status)}"), ct);
        if (response.IsSuccessStatusCode)
        {
            return (await response.Content.ReadFromJsonAsync<List<UpdateRequestSummary>>(ct) ?? [], null);
        }
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var problems = await DirectoryClient.ProblemsAsync(response, ct);
            return (null, new Refusal(400, problems.Title, string.Join(" ", problems.Errors.SelectMany(e => e.Value))));
        }
        return (null, await DirectoryClient.RefusalAsync(response, ct));
    }

    /// <summary>The directory manager asks every participating State now.</summary>
    public async Task<(RoundStarted? Round, Refusal? Refusal)> StartRoundAsync(CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/nominations/update-requests/rounds", new { allStates = true }, ct);
        return await DirectoryClient.ReadAsync<RoundStarted>(response, ct);
    }

    /// <summary>The State's latest update request, or the refusal (404 when the State has never been asked).</summary>
    public async Task<(UpdateRequestView? Request, Refusal? Refusal)> CurrentAsync(string state, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/nominations/states/{Uri.EscapeDataString(state)}/update-request", ct);
        return await DirectoryClient.ReadAsync<UpdateRequestView>(response, ct);
    }

    /// <summary>Confirms the entries named as unchanged, or every entry not yet answered.</summary>
    public async Task<(UpdateRequestView? Request, FieldProblems? Problems, Refusal? Refusal)> ConfirmAsync(string state, IReadOnlyList<Guid>? pocIds, bool allUnchanged, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"api/nominations/states/{Uri.EscapeDataString(state)}/update-request/confirmations", new { pocIds, allUnchanged }, ct);
        return await DirectoryClient.ReadOrProblemsAsync<UpdateRequestView>(response, ct);
    }
}
