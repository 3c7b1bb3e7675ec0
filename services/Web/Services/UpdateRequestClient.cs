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

/// <summary>Nominations' update requests through the gateway, with the signed-in person's token.</summary>
public sealed class UpdateRequestClient(HttpClient http)
{
    /// <summary>The State's latest update request, or the refusal (404 when the State has never been asked).</summary>
    public async Task<(UpdateRequestView? Request, Refusal? Refusal)> CurrentAsync(string state, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/nominations/states/{Uri.EscapeDataString(state)}/update-request", ct);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<UpdateRequestView>(ct), null)
            : (null, await DirectoryClient.RefusalAsync(response, ct));
    }

    /// <summary>Confirms the entries named as unchanged, or every entry not yet answered.</summary>
    public async Task<(UpdateRequestView? Request, FieldProblems? Problems, Refusal? Refusal)> ConfirmAsync(string state, IReadOnlyList<Guid>? pocIds, bool allUnchanged, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"api/nominations/states/{Uri.EscapeDataString(state)}/update-request/confirmations", new { pocIds, allUnchanged }, ct);
        if (response.IsSuccessStatusCode)
        {
            return (await response.Content.ReadFromJsonAsync<UpdateRequestView>(ct), null, null);
        }
        return response.StatusCode == HttpStatusCode.BadRequest
            ? (null, await DirectoryClient.ProblemsAsync(response, ct), null)
            : (null, null, await DirectoryClient.RefusalAsync(response, ct));
    }
}
