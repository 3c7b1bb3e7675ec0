using System.Globalization;
using System.Net.Http.Json;

namespace PocDirectory.Web.Services;

public sealed record MeetingTimeView(string Precision, string? Date, string? EndDate, string? StartTime, string? EndTime, string? Month, string? Week, string Zone, bool? EndApproximate = null);

/// <summary>A meeting as the Meetings API shows it.</summary>
public sealed record MeetingSummary(
    Guid Id, string Kind, string KindName, string Title, string? Description, string? Format, string? Room, IReadOnlyList<string> Audience,
    string Status, string StatusName, MeetingTimeView Time, string When, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    bool RegistrationOpen = false, int? Capacity = null, int? PerDelegation = null, bool HasJoinLink = false, int Revision = 0, int Sequence = 0,
    bool? PointsOfContactInvited = null, int? PointsOfContactReached = null)
{
    public bool IsPublic => Audience.Contains("public");

    public bool HasExactTime => Time.Precision == "exact";

    public int Year => StartsAt.Year;
}

/// <summary>
/// The schedule through the gateway: the public part for everyone, every meeting for a signed-in
/// person (the call then carries the person's token).
/// </summary>
public sealed class MeetingClient(HttpClient http)
{
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["substantive-session"] = "Substantive sessions",
        ["informal-intersessional"] = "Informal intersessional meetings",
        ["townhall"] = "Townhall meetings",
        ["consultations-member-states"] = "Informal consultations with Member States",
        ["consultations-stakeholders"] = "Informal consultations with stakeholders",
        ["briefing"] = "Briefings",
        ["poc-meeting"] = "Points of contact meetings",
        ["exercise"] = "Exercises",
        ["milestone"] = "Milestones",
    };

    public async Task<IReadOnlyList<MeetingSummary>> ScheduleAsync(bool signedIn, string? kind, CancellationToken ct)
    {
        var path = signedIn ? "api/meetings" : "api/meetings/schedule";
        if (kind is not null && Kinds.ContainsKey(kind))
        {
            path += "?kind=" + Uri.EscapeDataString(kind);
        }
        return await http.GetFromJsonAsync<List<MeetingSummary>>(path, ct) ?? [];
    }

    /// <summary>One meeting, or null when there is none the reader may see.</summary>
    public async Task<MeetingSummary?> MeetingAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/meetings/{id}", ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<MeetingSummary>(ct);
    }

    /// <summary>The participants the reader may see (a delegate: its State's), or a refusal.</summary>
    public async Task<(IReadOnlyList<Participant>? Participants, Refusal? Refusal)> ParticipantsAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/meetings/{id}/registrations", ct);
        return await DirectoryClient.ReadAsync<List<Participant>>(response, ct);
    }

    /// <summary>The delegate's own State's participants, meeting by meeting.</summary>
    public async Task<(IReadOnlyList<DelegationMeeting>? Meetings, Refusal? Refusal)> DelegationAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync("api/meetings/registrations", ct);
        return await DirectoryClient.ReadAsync<List<DelegationMeeting>>(response, ct);
    }

    public async Task<(Participant? Participant, FieldProblems? Problems, Refusal? Refusal)> RegisterAsync(Guid id, object participant, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"api/meetings/{id}/registrations", participant, ct);
        return await DirectoryClient.ReadOrProblemsAsync<Participant>(response, ct);
    }

    public async Task<Refusal?> WithdrawAsync(Guid id, Guid registrationId, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"api/meetings/{id}/registrations/{registrationId}", ct);
        return response.IsSuccessStatusCode ? null : await DirectoryClient.RefusalAsync(response, ct);
    }

    /// <summary>The Secretariat approves or declines a stakeholder's participant (a reason is needed to decline).</summary>
    public async Task<(Participant? Participant, FieldProblems? Problems, Refusal? Refusal)> DecideAsync(Guid id, Guid registrationId, bool approve, string? reason, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"api/meetings/{id}/registrations/{registrationId}/decision", new { approve, reason }, ct);
        return await DirectoryClient.ReadOrProblemsAsync<Participant>(response, ct);
    }

    /// <summary>Whether the signed-in person has a calendar feed (null when the service says no).</summary>
    public async Task<PersonalFeed?> FeedAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync("api/meetings/feed", ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<PersonalFeed>(ct) : null;
    }

    /// <summary>Makes the person's feed (replacing the earlier one); the answer holds its address, once.</summary>
    public async Task<PersonalFeed?> MakeFeedAsync(CancellationToken ct)
    {
        using var response = await http.PostAsync("api/meetings/feed", null, ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<PersonalFeed>(ct) : null;
    }

    /// <summary>Stops the person's feed; false when the service did not (the page says so).</summary>
    public async Task<bool> RevokeFeedAsync(CancellationToken ct)
    {
        using var response = await http.DeleteAsync("api/meetings/feed", ct);
        return response.IsSuccessStatusCode;
    }

    /// <summary>The meeting's documents the reader may see (none when the service says no).</summary>
    public async Task<IReadOnlyList<MeetingDocumentView>> DocumentsAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/meetings/{id}/documents", ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<List<MeetingDocumentView>>(ct) ?? [] : [];
    }

    /// <summary>A document's latest file, as the service sends it (headers first: the body is copied to the browser).</summary>
    public Task<HttpResponseMessage> DocumentFileAsync(Guid id, Guid documentId, CancellationToken ct) =>
        http.GetAsync($"api/meetings/{id}/documents/{documentId}/file", HttpCompletionOption.ResponseHeadersRead, ct);

    /// <summary>A meeting's participants as CSV, for the Secretariat (the service checks, and keeps the export on record).</summary>
    public Task<HttpResponseMessage> ParticipantsCsvAsync(Guid id, CancellationToken ct) =>
        http.GetAsync($"api/meetings/{id}/registrations.csv", HttpCompletionOption.ResponseHeadersRead, ct);

    /// <summary>The instant written as the browser's script reads it (the page shows New York's time without it).</summary>
    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

public sealed record PersonalFeed(
    bool Exists, DateTimeOffset? CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastReadAt, bool All, IReadOnlyList<string> Audiences, string? Url);

public sealed record MeetingDocumentVersion(int Version, string FileName, string ContentType, long Size, DateTimeOffset UploadedAt);

public sealed record MeetingDocumentView(Guid Id, string Kind, string KindName, string Title, bool IsPublic, int LatestVersion, DateTimeOffset UpdatedAt,
    IReadOnlyList<MeetingDocumentVersion> Versions)
{
    public MeetingDocumentVersion Latest => Versions.First(v => v.Version == LatestVersion);

    /// <summary>The size as a reader says it: "240 KB", "2.1 MB".</summary>
    public static string Size(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB"
        : Math.Max(1, bytes / 1024).ToString(CultureInfo.InvariantCulture) + " KB";
}

public sealed record DelegationMeeting(Guid MeetingId, string Title, string When, DateTimeOffset StartsAt, string Status, bool RegistrationOpen, IReadOnlyList<Participant> Participants);

public sealed record Participant(Guid Id, string State, string FullName, string Function, string Email, string Attendance, DateTimeOffset CreatedAt, DateTimeOffset? WithdrawnAt,
    string? Organization = null, string Status = "approved", string? DeclineReason = null, DateTimeOffset? DecidedAt = null);

public sealed record LetterSummary(Guid Id, string Date, string Subject, bool IsPublic, string Status, DateTimeOffset? SentAt);

public sealed record LetterRecipient(string State, string MissionName, string? Email, string Status, string? Reason, DateTimeOffset? StatusAt, DateTimeOffset? AcknowledgedAt = null);

public sealed record LetterDelivery(int Missions, int Sent, int Undeliverable, int NoAddress, int Acknowledged = 0, bool PointsOfContact = false, int? PointsOfContactReached = null);

/// <summary>A mission's acknowledgement of a letter, as the service records it.</summary>
public sealed record LetterAcknowledgement(Guid LetterId, string Subject, string Date, string MissionName, DateTimeOffset AcknowledgedAt);

public sealed record LetterDetails(
    Guid Id, string Date, string Subject, bool IsPublic, string Status, DateTimeOffset? SentAt, string Text,
    LetterDelivery? Delivery, IReadOnlyList<LetterRecipient>? Recipients, LetterParts? Parts = null, int Revision = 0);

/// <summary>A draft's parts, as the Chair's office edits them (the service gives them only for a draft, only to its writers).</summary>
public sealed record LetterParts(
    string? Date, string? Subject, string? Body, string? Salutation, string? Closing, string? Signature, string? Addressees, string? Enclosure,
    IReadOnlyList<Guid>? AnnexMeetings, string? AnnexTitle, bool? IsPublic, int? Revision);

/// <summary>The Chair's letters through the gateway: the public archive for everyone, more for a signed-in person.</summary>
public sealed class LetterClient(HttpClient http)
{
    public async Task<IReadOnlyList<LetterSummary>> ArchiveAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<LetterSummary>>("api/meetings/letters", ct) ?? [];

    /// <summary>A mission acknowledges receipt with its link's secret: the record (200), or the status of the refusal (404 unknown, 410 done already, 400).</summary>
    public async Task<(LetterAcknowledgement? Acknowledgement, System.Net.HttpStatusCode Status, Refusal? Refusal)> AcknowledgeAsync(string token, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/meetings/letters/acknowledgements", new { token }, ct);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<LetterAcknowledgement>(ct), response.StatusCode, null)
            : (null, response.StatusCode, await DirectoryClient.RefusalAsync(response, ct));
    }

    /// <summary>Saves a new draft.</summary>
    public async Task<(LetterDetails? Letter, FieldProblems? Problems, Refusal? Refusal)> WriteAsync(object letter, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/meetings/letters", letter, ct);
        return await DirectoryClient.ReadOrProblemsAsync<LetterDetails>(response, ct);
    }

    /// <summary>Changes a draft, as of the revision the request names.</summary>
    public async Task<(LetterDetails? Letter, FieldProblems? Problems, Refusal? Refusal)> ChangeAsync(Guid id, object letter, CancellationToken ct)
    {
        using var response = await http.PutAsJsonAsync($"api/meetings/letters/{id}", letter, ct);
        return await DirectoryClient.ReadOrProblemsAsync<LetterDetails>(response, ct);
    }

    /// <summary>Sends the draft, as of the revision read, to every Permanent Mission.</summary>
    public async Task<(LetterDetails? Letter, FieldProblems? Problems, Refusal? Refusal)> SendAsync(Guid id, int revision, bool pointsOfContact, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"api/meetings/letters/{id}/sending", new { revision, pointsOfContact }, ct);
        return await DirectoryClient.ReadOrProblemsAsync<LetterDetails>(response, ct);
    }

    /// <summary>The letter, or null when there is none the reader may see.</summary>
    public async Task<LetterDetails?> LetterAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/meetings/letters/{id}", ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<LetterDetails>(ct);
    }
}

public sealed record MissionEntry(string State, string Iso2, string StateName, string UnStatus, string Name, IReadOnlyList<string> Emails, int Revision, DateTimeOffset? UpdatedAt);

public sealed record MissionImportRow(int Line, string? State, string Outcome, IReadOnlyList<string> Errors);

public sealed record MissionImportReport(int Added, int Updated, int Unchanged, int Refused, IReadOnlyList<MissionImportRow> Rows);

/// <summary>The Permanent Missions through the gateway, with the signed-in person's token (directory manager, Chair's office).</summary>
public sealed class MissionClient(HttpClient http)
{
    public async Task<(IReadOnlyList<MissionEntry>? Missions, Refusal? Refusal)> AllAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync("api/meetings/missions", ct);
        return await DirectoryClient.ReadAsync<List<MissionEntry>>(response, ct);
    }

    /// <summary>Sets a mission's name and addresses, as of the revision read (directory manager).</summary>
    public async Task<(MissionEntry? Mission, FieldProblems? Problems, Refusal? Refusal)> ChangeAsync(string state, object mission, CancellationToken ct)
    {
        using var response = await http.PutAsJsonAsync($"api/meetings/missions/{Uri.EscapeDataString(state)}", mission, ct);
        return await DirectoryClient.ReadOrProblemsAsync<MissionEntry>(response, ct);
    }

    /// <summary>Sets missions from a CSV file: a report of every row (directory manager).</summary>
    public async Task<(MissionImportReport? Report, FieldProblems? Problems, Refusal? Refusal)> ImportAsync(Stream csv, CancellationToken ct)
    {
        using var content = new StreamContent(csv);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        using var response = await http.PostAsync("api/meetings/missions/import", content, ct);
        return await DirectoryClient.ReadOrProblemsAsync<MissionImportReport>(response, ct);
    }
}

/// <summary>The Chair's office's writes to the schedule, with the signed-in person's token.</summary>
public sealed class ScheduleClient(HttpClient http)
{
    public async Task<(MeetingSummary? Meeting, FieldProblems? Problems, Refusal? Refusal)> ScheduleAsync(object request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/meetings", request, ct);
        return await DirectoryClient.ReadOrProblemsAsync<MeetingSummary>(response, ct);
    }

    /// <summary>Changes the meeting, as of the revision the request names.</summary>
    public async Task<(MeetingSummary? Meeting, FieldProblems? Problems, Refusal? Refusal)> ChangeAsync(Guid id, object request, CancellationToken ct)
    {
        using var response = await http.PutAsJsonAsync($"api/meetings/{id}", request, ct);
        return await DirectoryClient.ReadOrProblemsAsync<MeetingSummary>(response, ct);
    }

    /// <summary>Uploads a document of the meeting: the file's bytes as the body, what it is in the query.</summary>
    public async Task<(MeetingDocumentView? Document, FieldProblems? Problems, Refusal? Refusal)> UploadDocumentAsync(
        Guid id, Stream file, string fileName, string? title, string? kind, bool isPublic, CancellationToken ct)
    {
        var query = QueryString.Create(new KeyValuePair<string, string?>[] { new("fileName", fileName), new("title", title ?? ""), new("kind", kind ?? ""), new("public", isPublic ? "true" : "false") });
        using var content = new StreamContent(file);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync($"api/meetings/{id}/documents{query}", content, ct);
        return await DirectoryClient.ReadOrProblemsAsync<MeetingDocumentView>(response, ct);
    }

    /// <summary>Uploads the next version of a document.</summary>
    public async Task<(MeetingDocumentView? Document, FieldProblems? Problems, Refusal? Refusal)> UploadVersionAsync(
        Guid id, Guid documentId, Stream file, string fileName, CancellationToken ct)
    {
        using var content = new StreamContent(file);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync($"api/meetings/{id}/documents/{documentId}/versions{QueryString.Create("fileName", fileName)}", content, ct);
        return await DirectoryClient.ReadOrProblemsAsync<MeetingDocumentView>(response, ct);
    }

    /// <summary>Withdraws a document, every version of it.</summary>
    public async Task<Refusal?> WithdrawDocumentAsync(Guid id, Guid documentId, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"api/meetings/{id}/documents/{documentId}", ct);
        return response.IsSuccessStatusCode ? null : await DirectoryClient.RefusalAsync(response, ct);
    }

    /// <summary>The addresses invited to a meeting, or a refusal (only the Chair's office and the Secretariat see them).</summary>
    public async Task<(IReadOnlyList<Invitee>? Invitees, Refusal? Refusal)> InviteesAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/meetings/{id}/invitations", ct);
        return await DirectoryClient.ReadAsync<List<Invitee>>(response, ct);
    }

    /// <summary>Invites the missions of the meeting's audience, as of the revision read.</summary>
    public async Task<(InvitationResult? Result, FieldProblems? Problems, Refusal? Refusal)> InviteAsync(Guid id, int revision, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"api/meetings/{id}/invitations", new { revision }, ct);
        return await DirectoryClient.ReadOrProblemsAsync<InvitationResult>(response, ct);
    }

    /// <summary>Cancels the meeting, as of the revision read, with the reason if one is given.</summary>
    public async Task<(MeetingSummary? Meeting, FieldProblems? Problems, Refusal? Refusal)> CancelAsync(Guid id, int revision, string? reason, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"api/meetings/{id}/cancellation", new { revision, reason }, ct);
        return await DirectoryClient.ReadOrProblemsAsync<MeetingSummary>(response, ct);
    }
}

public sealed record Invitee(string State, string MissionName, string Email, DateTimeOffset InvitedAt, int SequenceSent, string Status, string? Reason);

public sealed record InvitationResult(int Invited, int AlreadyInvited, IReadOnlyList<string> WithoutAddress, IReadOnlyList<Invitee> Invitees,
    bool PointsOfContactInvited = false, bool PointsOfContactInvitedNow = false);
