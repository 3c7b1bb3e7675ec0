using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace PocDirectory.Web.Services;

public sealed record AccreditedStakeholder(string Organization, string Website, string Headquarters, string Type, bool Ecosoc, string Basis, DateTimeOffset AccreditedAt);

public sealed record StakeholderApplication(
    Guid Id, string Organization, string Website, string Headquarters, string Type, bool Ecosoc, string? EcosocReference, string Purpose, string Relevance,
    string? UnInteraction, string ContactName, string ContactEmail, string LetterFileName, string LetterSha256, string Status, string StatusName,
    DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? CheckedAt, string? ReturnReason, Guid? RoundId, DateTimeOffset? DecidedAt, int Revision);

public sealed record RoundApplicant(Guid Id, string Organization, string Website, string Headquarters, string Type, string Purpose, string Relevance, string? UnInteraction, string Status);

public sealed record RoundObjection(Guid Id, Guid Application, string State, string? Basis, DateTimeOffset ReceivedAt, DateTimeOffset? WithdrawnAt, string? ReceivedFrom);

public sealed record RoundDetails(
    Guid Id, string Title, DateTimeOffset Deadline, string DeadlineText, string Status, DateTimeOffset CirculatedAt, DateTimeOffset? DecidedAt, Guid? LetterId,
    IReadOnlyList<RoundApplicant> Applicants, IReadOnlyList<RoundObjection>? Objections, int Revision, DateTimeOffset Now);

public sealed record RoundSummary(Guid Id, string Title, DateTimeOffset Deadline, string DeadlineText, string Status, int Applicants);

public sealed record StakeholderParticipant(Guid Id, string FullName, string Function, string Attendance, string Status, string StatusName, string? DeclineReason,
    DateTimeOffset CreatedAt, DateTimeOffset? WithdrawnAt);

/// <summary>What a stakeholder's registration link opens: the meeting, and the organization's participants.</summary>
public sealed record StakeholderInvitation(
    Guid MeetingId, string Title, string Kind, string When, string Place, string? Format, string Status, bool RegistrationOpen, string? Closed,
    string Organization, int? PerOrganization, IReadOnlyList<StakeholderParticipant> Participants);

/// <summary>Stakeholder accreditation through the gateway: the public list and application; the Secretariat's, the Chair's and the delegates' work with their token.</summary>
public sealed class StakeholderClient(HttpClient http)
{
    private const string Base = "api/meetings/stakeholders";

    public async Task<IReadOnlyList<AccreditedStakeholder>> AccreditedAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<AccreditedStakeholder>>($"{Base}/accredited", ct) ?? [];

    /// <summary>The list as CSV, as the API sends it.</summary>
    public Task<HttpResponseMessage> AccreditedCsvAsync(CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}/accredited");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        return http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>Sends an application with its letter; the message to show (202), the field errors, or the refusal.</summary>
    public async Task<(string? Message, FieldProblems? Problems, Refusal? Refusal)> ApplyAsync(IReadOnlyDictionary<string, string?> fields, Stream letter, string fileName, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            if (value is not null)
            {
                form.Add(new StringContent(value), name);
            }
        }
        var file = new StreamContent(letter);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "letter", fileName);
        using var response = await http.PostAsync($"{Base}/applications", form, ct);
        if (response.IsSuccessStatusCode)
        {
            var answer = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct);
            return (answer.GetProperty("message").GetString(), null, null);
        }
        return response.StatusCode == System.Net.HttpStatusCode.BadRequest ? (null, await DirectoryClient.ProblemsAsync(response, ct), null)
            : (null, null, await DirectoryClient.RefusalAsync(response, ct));
    }

    public async Task<(string? Organization, System.Net.HttpStatusCode Status, Refusal? Refusal)> ConfirmAsync(string token, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"{Base}/applications/confirmation", new { token }, ct);
        return response.IsSuccessStatusCode
            ? ((await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("organization").GetString(), response.StatusCode, null)
            : (null, response.StatusCode, await DirectoryClient.RefusalAsync(response, ct));
    }

    private const string Registrations = "api/meetings/stakeholder-registrations";

    /// <summary>What a registration link opens, or the refusal (an unknown link: 404; an organization no longer accredited: 410).</summary>
    public async Task<(StakeholderInvitation? Invitation, Refusal? Refusal)> InvitationAsync(string token, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"{Registrations}/read", new { token }, ct);
        return await DirectoryClient.ReadAsync<StakeholderInvitation>(response, ct);
    }

    public async Task<(StakeholderParticipant? Participant, FieldProblems? Problems, Refusal? Refusal)> RegisterAsync(
        string token, string? fullName, string? function, string? email, string? attendance, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"{Registrations}/participants", new { token, fullName, function, email, attendance }, ct);
        return await DirectoryClient.ReadOrProblemsAsync<StakeholderParticipant>(response, ct);
    }

    public async Task<Refusal?> WithdrawAsync(string token, Guid registrationId, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"{Registrations}/withdrawal", new { token, registrationId }, ct);
        return response.IsSuccessStatusCode ? null : await DirectoryClient.RefusalAsync(response, ct);
    }

    public async Task<(IReadOnlyList<StakeholderApplication>? Applications, Refusal? Refusal)> ApplicationsAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync($"{Base}/applications", ct);
        return await DirectoryClient.ReadAsync<List<StakeholderApplication>>(response, ct);
    }

    public Task<HttpResponseMessage> LetterAsync(Guid id, CancellationToken ct) =>
        http.GetAsync($"{Base}/applications/{id}/letter", HttpCompletionOption.ResponseHeadersRead, ct);

    public async Task<(StakeholderApplication? Application, FieldProblems? Problems, Refusal? Refusal)> CheckAsync(Guid id, int revision, bool complete, string? reason, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"{Base}/applications/{id}/check", new { revision, complete, reason }, ct);
        return await DirectoryClient.ReadOrProblemsAsync<StakeholderApplication>(response, ct);
    }

    public async Task<IReadOnlyList<RoundSummary>> RoundsAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<RoundSummary>>($"{Base}/rounds", ct) ?? [];

    public async Task<RoundDetails?> RoundAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"{Base}/rounds/{id}", ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<RoundDetails>(ct);
    }

    public async Task<(RoundDetails? Round, FieldProblems? Problems, Refusal? Refusal)> CirculateAsync(object round, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"{Base}/rounds", round, ct);
        return await DirectoryClient.ReadOrProblemsAsync<RoundDetails>(response, ct);
    }

    public async Task<(RoundObjection? Objection, FieldProblems? Problems, Refusal? Refusal)> ObjectAsync(Guid round, Guid application, string? basis, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"{Base}/rounds/{round}/objections", new { application, basis }, ct);
        return await DirectoryClient.ReadOrProblemsAsync<RoundObjection>(response, ct);
    }

    public async Task<(RoundObjection? Objection, FieldProblems? Problems, Refusal? Refusal)> WithdrawObjectionAsync(Guid round, Guid objection, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"{Base}/rounds/{round}/objections/{objection}", ct);
        return await DirectoryClient.ReadOrProblemsAsync<RoundObjection>(response, ct);
    }
}
