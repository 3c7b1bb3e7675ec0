using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PocDirectory.Web.Services;

public sealed record Account(
    string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string? State, bool TwoFactorEnabled,
    DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

public sealed record PendingInvitation(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string? State, DateTimeOffset ExpiresAt, string InvitedBy);

public sealed record InviteRequest(string? Email, string? DisplayName, IReadOnlyList<string> Roles, string? State);

public sealed record MachineClientView(string ClientId, string? DisplayName, string State, IReadOnlyList<string> Scopes);

public sealed record CreateMachineClientRequest(string? ClientId, string? State, IReadOnlyList<string> Scopes, string? Name);

public sealed record CreatedMachineClient(string ClientId, string ClientSecret, string State, IReadOnlyList<string> Scopes);

/// <summary>An API's refusal of input: field → messages, as its problem details said.</summary>
public sealed record FieldProblems(string Title, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>Identity's API through the gateway, with the signed-in person's token.</summary>
public sealed class IdentityClient(HttpClient http)
{
    public async Task<IReadOnlyList<Account>> AccountsAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<Account>>("api/identity/users", ct) ?? [];

    public async Task<IReadOnlyList<PendingInvitation>> InvitationsAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<PendingInvitation>>("api/identity/invitations", ct) ?? [];

    /// <summary>Null when sent; otherwise what was wrong, field by field.</summary>
    public async Task<FieldProblems?> InviteAsync(InviteRequest request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/identity/invitations", request, ct);
        return await ProblemsAsync(response, ct);
    }

    public async Task<IReadOnlyList<MachineClientView>> MachineClientsAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<MachineClientView>>("api/identity/machine-clients", ct) ?? [];

    /// <summary>The new client with its secret (shown once), or what was wrong, field by field.</summary>
    public async Task<(CreatedMachineClient? Created, FieldProblems? Problems)> CreateMachineClientAsync(CreateMachineClientRequest request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/identity/machine-clients", request, ct);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<CreatedMachineClient>(ct), null)
            : (null, await ProblemsAsync(response, ct));
    }

    public async Task RevokeMachineClientAsync(string clientId, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"api/identity/machine-clients/{Uri.EscapeDataString(clientId)}", ct);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>A 400's field errors; any other failure is thrown.</summary>
    private static async Task<FieldProblems?> ProblemsAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return null;
        }
        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            response.EnsureSuccessStatusCode();
        }
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var errors = problem.TryGetProperty("errors", out var e)
            ? e.Deserialize<Dictionary<string, string[]>>() ?? []
            : [];
        return new FieldProblems(problem.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "", errors);
    }

    /// <summary>A page of the audit log, newest first; <paramref name="query"/> is the search as a query string.</summary>
    public async Task<AuditPage> AuditAsync(string query, CancellationToken ct) =>
        await http.GetFromJsonAsync<AuditPage>("api/identity/audit" + query, ct) ?? new AuditPage([], null);

    public async Task<AuditChain> AuditChainAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<AuditChain>("api/identity/audit/verification", ct) ?? new AuditChain(false, 0, null, "no answer");

    public async Task SetDisabledAsync(string id, bool disabled, CancellationToken ct)
    {
        using var response = await http.PostAsync($"api/identity/users/{Uri.EscapeDataString(id)}/{(disabled ? "disable" : "enable")}", null, ct);
        response.EnsureSuccessStatusCode();
    }
}

public sealed record AuditRecordView(
    long Sequence, DateTimeOffset OccurredAt, string Service, string Actor, string? ActorName, string? Roles, string? State,
    string Action, string? Target, string Outcome, string? Detail, string? TraceId, string? ClientIp);

public sealed record AuditPage(IReadOnlyList<AuditRecordView> Records, long? Before);

public sealed record AuditChain(bool Intact, long Records, long? BrokenAt, string? Problem, bool Anchored = false, int Checkpoints = 0);
