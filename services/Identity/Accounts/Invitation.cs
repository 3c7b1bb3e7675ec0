namespace PocDirectory.Identity.Accounts;

/// <summary>
/// An invitation to an account: an e-mailed link that works once, until <see cref="ExpiresAt"/>.
/// Only the SHA-256 of the link's token is stored.
/// </summary>
public sealed class Invitation
{
    public Guid Id { get; set; }

    public string Email { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary>The roles granted on acceptance, space-separated.</summary>
    public string Roles { get; set; } = "";

    public string? State { get; set; }

    public byte[] TokenHash { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    /// <summary>Replaced by a later invitation to the same address, or withdrawn.</summary>
    public DateTimeOffset? WithdrawnAt { get; set; }

    public string InvitedBy { get; set; } = "";

    public string? UserId { get; set; }

    public IReadOnlyList<string> RoleList => Roles.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool IsOpen(DateTimeOffset now) => AcceptedAt is null && WithdrawnAt is null && ExpiresAt > now;
}
