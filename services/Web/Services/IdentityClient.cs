using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PocDirectory.Web.Services;

public sealed record Account(
    string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string? State, bool TwoFactorEnabled,
    DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, DateTimeOffset? LockedUntil);

public sealed record PendingInvitation(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string? State, DateTimeOffset ExpiresAt, string InvitedBy);

public sealed record InviteRequest(string? Email, string? DisplayName, IReadOnlyList<string> Roles, string? State);

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
        if (response.IsSuccessStatusCode)
        {
            return null;
        }
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            var errors = problem.TryGetProperty("errors", out var e)
                ? e.Deserialize<Dictionary<string, string[]>>() ?? []
                : [];
            return new FieldProblems(problem.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "", errors);
        }
        response.EnsureSuccessStatusCode();
        return null;
    }

    public async Task SetDisabledAsync(string id, bool disabled, CancellationToken ct)
    {
        using var response = await http.PostAsync($"api/identity/users/{Uri.EscapeDataString(id)}/{(disabled ? "disable" : "enable")}", null, ct);
        response.EnsureSuccessStatusCode();
    }
}
