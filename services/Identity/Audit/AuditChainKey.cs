namespace PocDirectory.Identity.Audit;

/// <summary>
/// The key the audit chain and its checkpoints are keyed with (HMAC-SHA256): <c>Audit:ChainKey</c>,
/// base64url of at least 32 bytes, held outside the database (<c>.pocdir/secrets/audit-chain-key</c>
/// for local runs, a secret in a cluster). Whoever can write to identitydb but does not hold it cannot
/// add, change or cut records without verification showing it.
/// </summary>
public sealed class AuditChainKey(byte[] bytes)
{
    public const string ConfigurationKey = "Audit:ChainKey";

    public byte[] Bytes { get; } = bytes;

    /// <summary>The key from its setting; a missing or unusable one stops the start, naming the setting.</summary>
    public static AuditChainKey From(IConfiguration configuration) =>
        new(KeyMaterial.Decode(configuration[ConfigurationKey], ConfigurationKey, ".pocdir/secrets/audit-chain-key"));
}
