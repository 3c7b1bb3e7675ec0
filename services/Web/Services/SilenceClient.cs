using System.Net.Http.Json;

namespace PocDirectory.Web.Services;

public sealed record SilenceSummary(Guid Id, string Subject, string Status, DateTimeOffset ExpiresAt, string Expiry, DateTimeOffset CirculatedAt, DateTimeOffset? DecidedAt, bool IsPublic);

public sealed record SilenceFile(int Version, string FileName, string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt);

public sealed record SilenceObjection(
    Guid Id, string State, string StateName, string Letter, string? Paragraphs, string? Amendment, DateTimeOffset ReceivedAt, DateTimeOffset? WithdrawnAt, string? ReceivedFrom,
    SilenceFile? File = null);

public sealed record SilenceDetails(
    Guid Id, string Subject, string Proposal, IReadOnlyList<string> Paragraphs, string Status, string StatusName, DateTimeOffset ExpiresAt, string Expiry,
    string Zone, bool IsPublic, DateTimeOffset CirculatedAt, int Extensions, DateTimeOffset? DecidedAt, DateTimeOffset? AnnouncedAt,
    IReadOnlyList<Guid> Letters, IReadOnlyList<string>? BrokenBy, IReadOnlyList<SilenceObjection>? Objections, int Revision, DateTimeOffset Now,
    IReadOnlyList<SilenceFile>? Documents = null);

/// <summary>Silence procedures through the gateway, with the signed-in person's token when there is one (the record is public).</summary>
public sealed class SilenceClient(HttpClient http)
{
    private const string Base = "api/meetings/silence-procedures";

    public async Task<IReadOnlyList<SilenceSummary>> AllAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<SilenceSummary>>(Base, ct) ?? [];

    /// <summary>The procedure, or null when there is none the reader may see.</summary>
    public async Task<SilenceDetails?> ProcedureAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"{Base}/{id}", ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<SilenceDetails>(ct);
    }

    public async Task<(SilenceDetails? Procedure, FieldProblems? Problems, Refusal? Refusal)> PlaceAsync(object proposal, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(Base, proposal, ct);
        return await DirectoryClient.ReadOrProblemsAsync<SilenceDetails>(response, ct);
    }

    public async Task<(SilenceObjection? Objection, FieldProblems? Problems, Refusal? Refusal)> ObjectAsync(Guid id, object objection, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"{Base}/{id}/objections", objection, ct);
        return await DirectoryClient.ReadOrProblemsAsync<SilenceObjection>(response, ct);
    }

    public async Task<(SilenceObjection? Objection, FieldProblems? Problems, Refusal? Refusal)> WithdrawObjectionAsync(Guid id, Guid objection, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"{Base}/{id}/objections/{objection}", ct);
        return await DirectoryClient.ReadOrProblemsAsync<SilenceObjection>(response, ct);
    }

    /// <summary>Circulates a version of the proposal's document: the file's bytes as the body, its name and the revision read in the query.</summary>
    public async Task<(SilenceDetails? Procedure, FieldProblems? Problems, Refusal? Refusal)> CirculateDocumentAsync(Guid id, int revision, Stream file, string fileName, CancellationToken ct)
    {
        using var content = new StreamContent(file);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        var query = QueryString.Create(new KeyValuePair<string, string?>[] { new("fileName", fileName), new("revision", revision.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
        using var response = await http.PostAsync($"{Base}/{id}/documents{query}", content, ct);
        return await DirectoryClient.ReadOrProblemsAsync<SilenceDetails>(response, ct);
    }

    /// <summary>Adds the file of the State's objection.</summary>
    public async Task<(SilenceObjection? Objection, FieldProblems? Problems, Refusal? Refusal)> AttachAsync(Guid id, Guid objection, Stream file, string fileName, CancellationToken ct)
    {
        using var content = new StreamContent(file);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync($"{Base}/{id}/objections/{objection}/file{QueryString.Create("fileName", fileName)}", content, ct);
        return await DirectoryClient.ReadOrProblemsAsync<SilenceObjection>(response, ct);
    }

    public Task<HttpResponseMessage> DocumentFileAsync(Guid id, int version, CancellationToken ct) =>
        http.GetAsync($"{Base}/{id}/documents/{version}/file", HttpCompletionOption.ResponseHeadersRead, ct);

    public Task<HttpResponseMessage> ObjectionFileAsync(Guid id, Guid objection, CancellationToken ct) =>
        http.GetAsync($"{Base}/{id}/objections/{objection}/file", HttpCompletionOption.ResponseHeadersRead, ct);

    /// <summary>One of the Chair's acts: "extension", "withdrawal" or "announcement", as of the revision read.</summary>
    public async Task<(SilenceDetails? Procedure, FieldProblems? Problems, Refusal? Refusal)> ActAsync(Guid id, string act, object request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"{Base}/{id}/{act}", request, ct);
        return await DirectoryClient.ReadOrProblemsAsync<SilenceDetails>(response, ct);
    }
}
