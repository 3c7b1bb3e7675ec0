using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Model;

namespace PocDirectory.Identity.Tokens;

/// <summary>
/// Creates, rotates and loads the persisted keys of the token server. Each private key is kept as an
/// encrypted PKCS#8 (AES-256, PBKDF2-SHA256) under the service's <see cref="KeyEncryptionKey"/>, which
/// identitydb never holds: a key that does not open under it (one stored in clear before, or one put
/// there by someone without it) is never used to sign, nor published.
/// </summary>
public static partial class SigningKeyStore
{
    private static readonly PbeParameters Encryption = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000);

    /// <summary>Long enough for every token signed by a replaced key to expire (tokens live 10 minutes).</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromHours(1);

    /// <summary>The keys in use for <paramref name="purpose"/>, newest first; creates the first on a new database.</summary>
    public static async Task<IReadOnlyList<RsaSecurityKey>> LoadAsync(
        PocIdentityDbContext db, string purpose, KeyEncryptionKey kek, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        // One replica creates the first key; the others wait for its transaction and read it.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7301001)", ct);
        var now = clock.GetUtcNow();
        var stored = await db.SigningKeys
            .Where(k => k.Purpose == purpose && (k.RetiredAt == null || k.RetiredAt > now))
            .OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
        var keys = new List<RsaSecurityKey>();
        foreach (var key in stored)
        {
            if (Open(key, kek) is { } opened)
            {
                keys.Add(opened);
            }
            else
            {
                LogUnusable(logger, key.Id, purpose);
            }
        }
        if (keys.Count == 0)
        {
            keys.Add(Open(await AddKeyAsync(db, purpose, kek, now, ct), kek)!);
        }
        await transaction.CommitAsync(ct);
        return keys;
    }

    /// <summary>
    /// Adds a new signing key and retires the current ones after <see cref="Overlap"/>: tokens they
    /// signed stay valid until they expire. Each replica signs with the new key once restarted.
    /// </summary>
    public static async Task<SigningKey> RotateAsync(PocIdentityDbContext db, KeyEncryptionKey kek, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.SigningKeys.Where(k => k.Purpose == SigningKey.Signing && k.RetiredAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.RetiredAt, now + Overlap), ct);
        return await AddKeyAsync(db, SigningKey.Signing, kek, now, ct);
    }

    private static async Task<SigningKey> AddKeyAsync(PocIdentityDbContext db, string purpose, KeyEncryptionKey kek, DateTimeOffset now, CancellationToken ct)
    {
        using var rsa = RSA.Create(3072);
        var key = new SigningKey { Id = Guid.NewGuid(), Purpose = purpose, Pkcs8 = rsa.ExportEncryptedPkcs8PrivateKey(kek.Bytes, Encryption), CreatedAt = now };
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return key;
    }

    /// <summary>The key, if it opens under <paramref name="kek"/>; never a key stored in clear.</summary>
    public static RsaSecurityKey? Open(SigningKey key, KeyEncryptionKey kek)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportEncryptedPkcs8PrivateKey(kek.Bytes, key.Pkcs8, out _);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            return null;
        }
        return new RsaSecurityKey(rsa) { KeyId = key.Id.ToString("N") };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Signing key {Id} ({Purpose}) does not open under the key-encryption key (stored in clear before, or not by Identity): it is not used")]
    private static partial void LogUnusable(ILogger logger, Guid id, string purpose);
}
