namespace PocDirectory.Identity.Audit;

/// <summary>
/// The key the audit chain and its checkpoints are keyed with (HMAC-SHA256): <c>Audit:ChainKey</c>,
/// base64url of at least 32 bytes, held outside the database (<c>.pocdir/secrets/audit-chain-key</c>
/// for local runs, a secret in a cluster). Whoever can write to identitydb but does not hold it cannot
/// add, change or cut records without verification showing it.
/// </summary>
public sealed class AuditChainKey(IConfiguration configuration)
{
    public const string ConfigurationKey = "Audit:ChainKey";

    private readonly Lazy<byte[]> _bytes = new(() => Decode(configuration[ConfigurationKey]));

    public byte[] Bytes => _bytes.Value;

    public static byte[] Decode(string? value) =>
        KeyMaterial.Decode(value, ConfigurationKey, ".pocdir/secrets/audit-chain-key");
}
