using System.Security.Claims;

namespace PocDirectory;

/// <summary>
/// Who is calling, as a validated access token says: a person (with roles, perhaps bound to a State)
/// or a machine client (bound to a State, no roles). Every service decides access from this. Its roles
/// are the effective ones (<see cref="PocDirectory.Roles.Effective"/>): operations or the Chair's office
/// never act for a State, whatever else the token says.
/// </summary>
public sealed record Caller(string Subject, string Name, string? Email, IReadOnlySet<string> Roles, string? State, bool IsMachine)
{
    public static Caller From(ClaimsPrincipal principal)
    {
        var subject = principal.FindFirstValue("sub") ?? "anonymous";
        var client = principal.FindFirstValue("client_id") ?? principal.FindFirstValue("azp");
        var isMachine = string.Equals(subject, client, StringComparison.Ordinal);
        return new Caller(
            subject,
            principal.FindFirstValue("name") ?? subject,
            principal.FindFirstValue("email"),
            PocDirectory.Roles.Effective(principal.FindAll("role").Select(c => c.Value)),
            principal.FindFirstValue(ApiScopes.StateClaim)?.ToUpperInvariant(),
            isMachine);
    }

    public bool IsDirectoryManager => !IsMachine && Roles.Contains(PocDirectory.Roles.DirectoryManager);

    /// <summary>A person holding <paramref name="role"/> for <paramref name="state"/>.</summary>
    public bool HoldsFor(string role, string state) =>
        !IsMachine && Roles.Contains(role) && string.Equals(State, state, StringComparison.OrdinalIgnoreCase);

    /// <summary>The State's own focal point: the only one who nominates, changes and withdraws its points of contact.</summary>
    public bool MaintainsState(string state) => HoldsFor(PocDirectory.Roles.FocalPoint, state);

    /// <summary>Who may see a State's nominations and their history: its focal point and the directory manager.</summary>
    public bool OverseesState(string state) => IsDirectoryManager || MaintainsState(state);
}
