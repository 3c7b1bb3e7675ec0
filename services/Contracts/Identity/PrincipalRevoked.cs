namespace PocDirectory.Contracts.Identity;

/// <summary>
/// A client or account lost its access (revoked, disabled, signed out everywhere): every token issued
/// to <see cref="Subject"/> up to <see cref="RevokedAt"/> must stop working in every service.
/// </summary>
public sealed record PrincipalRevoked
{
    /// <summary>The tokens' <c>sub</c>: a client id or an account id.</summary>
    public required string Subject { get; init; }

    public required DateTimeOffset RevokedAt { get; init; }
}
