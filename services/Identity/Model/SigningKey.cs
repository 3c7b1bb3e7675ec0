namespace PocDirectory.Identity.Model;

/// <summary>
/// A key that signs access tokens (or encrypts the tokens only the server reads). Kept in the database so that a restart or a second replica signs
/// with the same key and tokens already issued stay valid. The newest active key signs; a new one is
/// published (JWKS) before it signs (<see cref="ActivatesAt"/>), and older ones stay published until
/// <see cref="RetiredAt"/>, so a rotation signs nobody out, whichever replica signs and whichever service checks.
/// </summary>
public sealed class SigningKey
{
    public Guid Id { get; set; }

    /// <summary><see cref="Signing"/> (access tokens) or <see cref="Encryption"/> (the server's own tokens).</summary>
    public required string Purpose { get; set; }

    public const string Signing = "signing";
    public const string Encryption = "encryption";

    /// <summary>The RSA private key (PKCS#8) sealed under Identity's key-encryption key and bound to this row (never in clear).</summary>
    public required byte[] Pkcs8 { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>From when it signs (null: from its creation); published from its creation.</summary>
    public DateTimeOffset? ActivatesAt { get; set; }

    /// <summary>No longer published: every token it signed has expired.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}
