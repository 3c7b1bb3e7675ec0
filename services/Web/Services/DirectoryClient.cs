using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PocDirectory.Web.Services;

public sealed record PocPhone(string Number, string Kind);
public sealed record PocAvailability(bool Always, IReadOnlyList<string> Days, string? From, string? To);
public sealed record PocPgpKey(string Armored, string Fingerprint, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string? UserId);
public sealed record PocDetails(
    string Type, string FullName, string Title, string Organization, string Email, IReadOnlyList<PocPhone> Phones,
    IReadOnlyList<string> Languages, string TimeZone, PocAvailability Availability, bool IsAlternate, PocPgpKey? PgpKey);

public sealed record EntrySummary(
    Guid PocId, string State, string StateName, string RegionalGroup, string Type, string FullName, string Title, string Organization,
    IReadOnlyList<string> Languages, string TimeZone, bool Available247, bool IsAlternate, DateTimeOffset? LastVerifiedAt, string Reachability);
public sealed record StateListing(string State, string StateName, string RegionalGroup, int Diplomatic, int Technical, bool UpdateOverdue);
public sealed record SearchResult(int Total, int Page, int PageSize, IReadOnlyList<EntrySummary> Items, IReadOnlyList<string> ParticipatingStates);
public sealed record EntryView(Guid PocId, string State, string StateName, string RegionalGroup, int Version, PocDetails Details, DateTimeOffset ListedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? LastVerifiedAt, string Reachability, bool StateUpdateOverdue);
public sealed record EntryVersionView(int Version, string Kind, PocDetails? Details, string? ChangedFields, string? SubmittedBy, string Actor, string? Reason, DateTimeOffset At);

public sealed record NominationSummary(
    Guid Id, Guid PocId, string State, string Kind, string Status, int Revision, string? FullName, string? Type,
    string CreatedByName, DateTimeOffset CreatedAt, DateTimeOffset? SubmittedAt, DateTimeOffset UpdatedAt, string? DecisionReason);
public sealed record ListedPocView(Guid PocId, string State, int Version, PocDetails Details, DateTimeOffset ListedAt, DateTimeOffset UpdatedAt, DateTimeOffset? WithdrawnAt, string? WithdrawalReason);
public sealed record StateNominations(string State, string StateName, IReadOnlyList<ListedPocView> Listed, IReadOnlyList<NominationSummary> Nominations);
public sealed record NominationEventView(DateTimeOffset At, string ActorName, string Action, string? Detail);
public sealed record NominationView(NominationSummary Summary, JsonElement Draft, PocDetails? Submitted, PocDetails? Listed,
    DateTimeOffset? ConfirmationExpiresAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? DecidedAt, IReadOnlyList<NominationEventView> History);
public sealed record NomineeView(string State, string StateName, string NominatedBy, PocDetails Details, DateTimeOffset ExpiresAt);

/// <summary>An answer the API refused as a whole (403, 404, 409): its title and detail, to show as they are.</summary>
public sealed record Refusal(int Status, string Title, string? Detail);

/// <summary>The Directory's and Nominations' APIs through the gateway, with the signed-in person's token.</summary>
public sealed class DirectoryClient(HttpClient http)
{
    public async Task<(SearchResult? Result, FieldProblems? Problems, Refusal? Refusal)> SearchAsync(string query, CancellationToken ct)
    {
        using var response = await http.GetAsync("api/directory/pocs" + query, ct);
        return await ReadOrProblemsAsync<SearchResult>(response, ct);
    }

    /// <summary>Participating States with their number of points of contact, or empty when the reader may not see them.</summary>
    public async Task<IReadOnlyList<StateListing>> StatesAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync("api/directory/states", ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<List<StateListing>>(ct) ?? [] : [];
    }

    public async Task<(EntryView? Entry, Refusal? Refusal)> EntryAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/directory/pocs/{id}", ct);
        return await ReadAsync<EntryView>(response, ct);
    }

    /// <summary>The entry's versions, or null when the reader may not see them.</summary>
    public async Task<IReadOnlyList<EntryVersionView>?> HistoryAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/directory/pocs/{id}/history", ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<List<EntryVersionView>>(ct) : null;
    }

    /// <summary>The export as the API sends it (status, type, file name, body).</summary>
    public Task<HttpResponseMessage> ExportAsync(string query, CancellationToken ct) =>
        http.GetAsync("api/directory/export" + query, HttpCompletionOption.ResponseHeadersRead, ct);

    public async Task<(StateNominations? State, Refusal? Refusal)> StateAsync(string state, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/nominations/states/{Uri.EscapeDataString(state)}", ct);
        return await ReadAsync<StateNominations>(response, ct);
    }

    public async Task<(NominationView? Nomination, Refusal? Refusal)> NominationAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/nominations/{id}", ct);
        return await ReadAsync<NominationView>(response, ct);
    }

    public async Task<IReadOnlyList<NominationSummary>> ReviewQueueAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<NominationSummary>>("api/nominations/review", ct) ?? [];

    public Task<(FieldProblems? Problems, Refusal? Refusal)> NominateAsync(string state, Guid? pocId, JsonObject details, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "api/nominations", new { state, pocId, details, submit = true }, ct);

    /// <summary>Saves the corrected details of a returned nomination, then submits them again.</summary>
    public async Task<(FieldProblems? Problems, Refusal? Refusal)> CorrectAsync(Guid id, JsonObject details, CancellationToken ct)
    {
        var saved = await SendAsync(HttpMethod.Put, $"api/nominations/{id}", details, ct);
        return saved != (null, null) ? saved : await SendAsync(HttpMethod.Post, $"api/nominations/{id}/submission", new { }, ct);
    }

    public Task<(FieldProblems? Problems, Refusal? Refusal)> DecideAsync(Guid id, string decision, string? reason, int revision, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"api/nominations/{id}/decision", new { decision, reason, revision }, ct);

    public Task<(FieldProblems? Problems, Refusal? Refusal)> WithdrawAsync(Guid pocId, string? reason, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"api/nominations/pocs/{pocId}/withdrawal", new { reason }, ct);

    public async Task<NomineeView?> NomineeAsync(string token, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/nominations/confirmation/lookup", new { token }, ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<NomineeView>(ct) : null;
    }

    /// <summary>One entry as a vCard 4.0 (read and audited as the entry is).</summary>
    public async Task<HttpResponseMessage> EntryCardAsync(Guid id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/directory/pocs/{id}");
        request.Headers.Accept.ParseAdd("text/vcard");
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    public Task<(FieldProblems? Problems, Refusal? Refusal)> ConfirmAsync(string token, bool consent, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "api/nominations/confirmation", new { token, consent }, ct);

    private async Task<(FieldProblems?, Refusal?)> SendAsync(HttpMethod method, string path, object body, CancellationToken ct)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) }, ct);
        if (response.IsSuccessStatusCode)
        {
            return (null, null);
        }
        return response.StatusCode == HttpStatusCode.BadRequest ? (await ProblemsAsync(response, ct), null) : (null, await RefusalAsync(response, ct));
    }

    /// <summary>The answer's body, or the refusal (403, 404, 409, 410, 429) to show.</summary>
    internal static async Task<(T? Value, Refusal? Refusal)> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) =>
        response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<T>(ct), null) : (default, await RefusalAsync(response, ct));

    /// <summary>The answer's body, the field errors of a 400, or the refusal to show.</summary>
    internal static async Task<(T? Value, FieldProblems? Problems, Refusal? Refusal)> ReadOrProblemsAsync<T>(HttpResponseMessage response, CancellationToken ct) =>
        response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<T>(ct), null, null)
        : response.StatusCode == HttpStatusCode.BadRequest ? (default, await ProblemsAsync(response, ct), null)
        : (default, null, await RefusalAsync(response, ct));

    internal static async Task<FieldProblems> ProblemsAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var errors = problem.TryGetProperty("errors", out var e) ? e.Deserialize<Dictionary<string, string[]>>() ?? [] : [];
        return new FieldProblems(problem.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "", errors);
    }

    internal static async Task<Refusal> RefusalAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.Gone or HttpStatusCode.TooManyRequests
            or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType))
        {
            response.EnsureSuccessStatusCode();
        }
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            return new Refusal((int)response.StatusCode, problem.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "",
                problem.TryGetProperty("detail", out var d) ? d.GetString() : null);
        }
        catch (JsonException)
        {
            return new Refusal((int)response.StatusCode, response.ReasonPhrase ?? "Refused", null);
        }
    }
}
