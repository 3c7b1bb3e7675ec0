using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Model;
using PocDirectory.BuildingBlocks.Persistence;

namespace PocDirectory.Identity.Tokens;

/// <summary>
/// Creates, rotates and loads the persisted keys of the token server. Each private key is kept sealed
/// with AES-256-GCM under the service's <see cref="KeyEncryptionKey"/>, which identitydb never holds,
/// and bound to its row: its id, purpose and creation time are in the seal, so a row moved to another
/// purpose or made to look newer no longer opens. A key that does not open — one stored in clear before,
/// or put there by someone without the key — is never used to sign, nor published; one stored in
/// clear is retired on sight. A key retired past its overlap is deleted.
/// </summary>
public static partial class SigningKeyStore
{
    /// <summary>
    /// Long enough for every token signed by a replaced key to expire: access tokens live 10 minutes, refresh tokens
    /// 8 hours, and a session ends 12 hours after its sign-in.
    /// </summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromHours(12);

    /// <summary>
    /// How long a new signing key is published before anyone signs with it: within it every Identity replica
    /// reloads its keys (<see cref="SigningKeyReloader"/>, every 30 s) and every service reads Identity's
    /// published keys again (every 5 minutes), so no token signed with it is ever refused for an unknown key.
    /// </summary>
    public static readonly TimeSpan PublishLead = TimeSpan.FromMinutes(10);

    private const byte Version = 2;

    /// <summary>
    /// The keys in use for <paramref name="purpose"/>: those that sign (active), the latest to become active first, then those only
    /// published until they activate; creates the first on a new database.
    /// </summary>
    /// <exception cref="InvalidOperationException">Sealed keys exist and none opens: this is not the key they were sealed under.</exception>
    public static async Task<IReadOnlyList<RsaSecurityKey>> LoadAsync(
        PocIdentityDbContext db, string purpose, KeyEncryptionKey kek, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        // One replica creates the first key; the others wait for its transaction and read it.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7301001)", ct);
        var now = clock.GetUtcNow();
        await db.SigningKeys.Where(k => k.RetiredAt != null && k.RetiredAt <= now).ExecuteDeleteAsync(ct);
        var stored = (await db.SigningKeys
            .Where(k => k.Purpose == purpose && (k.RetiredAt == null || k.RetiredAt > now))
            .ToListAsync(ct))
            .OrderBy(k => IsActive(k, now) ? 0 : 1).ThenByDescending(k => k.ActivatesAt ?? k.CreatedAt).ThenByDescending(k => k.CreatedAt).ToList();
        var keys = new List<RsaSecurityKey>();
        var unopened = 0;
        foreach (var key in stored)
        {
            if (Open(key, kek) is { } opened)
            {
                keys.Add(opened);
            }
            else if (IsInClear(key))
            {
                key.RetiredAt = now; // from before keys were sealed, or planted: never used, gone at the next start
                LogRetiredClear(logger, key.Id, purpose);
            }
            else
            {
                unopened++;
                LogUnusable(logger, key.Id, purpose);
            }
        }
        if (keys.Count == 0)
        {
            if (unopened > 0)
            {
                throw new InvalidOperationException(
                    $"None of the {unopened} sealed {purpose} keys in identitydb opens under {KeyEncryptionKey.SettingName}: it is not the key they were sealed under (every Identity replica needs the same one).");
            }
            var created = await AddKeyAsync(db, purpose, kek, now, ct);
            keys.Add(Open(created, kek)!);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return keys;
    }

    /// <summary>Whether the key signs at <paramref name="now"/> (it may be published before).</summary>
    public static bool IsActive(SigningKey key, DateTimeOffset now) => key.ActivatesAt is not { } activates || activates <= now;

    /// <summary>
    /// Adds a new signing key, published at once and signing after <see cref="PublishLead"/>, and retires the
    /// current ones <see cref="Overlap"/> after that: tokens they signed stay valid until they expire. Every
    /// replica picks the new key up without a restart (<see cref="SigningKeyReloader"/>).
    /// </summary>
    public static async Task<SigningKey> RotateAsync(PocIdentityDbContext db, KeyEncryptionKey kek, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var activates = PostgresTime.Microseconds(now + PublishLead);
        // Both or neither, and not while a replica creates a first key: the old keys never retire without a successor.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7301001)", ct);
        await db.SigningKeys.Where(k => k.Purpose == SigningKey.Signing && k.RetiredAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.RetiredAt, activates + Overlap), ct);
        var key = await AddKeyAsync(db, SigningKey.Signing, kek, now, ct, activates);
        await transaction.CommitAsync(ct);
        return key;
    }

    /// <summary>When the newest key that signs tokens began signing (null when none signs yet): how old the signing key in use is.</summary>
    public static Task<DateTimeOffset?> SigningSinceAsync(PocIdentityDbContext db, DateTimeOffset now, CancellationToken ct) =>
        db.SigningKeys.AsNoTracking()
            .Where(k => k.Purpose == SigningKey.Signing && (k.RetiredAt == null || k.RetiredAt > now) && (k.ActivatesAt == null || k.ActivatesAt <= now))
            .MaxAsync(k => (DateTimeOffset?)(k.ActivatesAt ?? k.CreatedAt), ct);

    /// <summary>
    /// What the token server's keys depend on at <paramref name="now"/>: each key in use, and whether it signs yet.
    /// When it changes (a rotation, a key that starts signing, one retired), the server's keys are loaded again.
    /// </summary>
    public static async Task<string> FingerprintAsync(PocIdentityDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var keys = await db.SigningKeys.AsNoTracking()
            .Where(k => k.RetiredAt == null || k.RetiredAt > now)
            .Select(k => new { k.Id, k.ActivatesAt }).ToListAsync(ct);
        return string.Join(',', keys.OrderBy(k => k.Id).Select(k => $"{k.Id:N}:{(k.ActivatesAt is not { } at || at <= now ? 1 : 0)}"));
    }

    private static async Task<SigningKey> AddKeyAsync(PocIdentityDbContext db, string purpose, KeyEncryptionKey kek, DateTimeOffset now, CancellationToken ct,
        DateTimeOffset? activatesAt = null)
    {
        using var rsa = RSA.Create(3072);
        // To the microsecond, as PostgreSQL keeps it: the time read back is the time sealed.
        var key = new SigningKey { Id = Guid.NewGuid(), Purpose = purpose, Pkcs8 = [], CreatedAt = PostgresTime.Microseconds(now), ActivatesAt = activatesAt };
        key.Pkcs8 = Seal(key, rsa.ExportPkcs8PrivateKey(), kek);
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return key;
    }

    /// <summary>The key, if it opens under <paramref name="kek"/> for this very row; never a key stored in clear.</summary>
    public static RsaSecurityKey? Open(SigningKey key, KeyEncryptionKey kek)
    {
        if (Sealing.Open(kek.Bytes, Version, key.Pkcs8, BoundTo(key)) is not { Length: > 0 } pkcs8)
        {
            return null;
        }
        try
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new RsaSecurityKey(rsa) { KeyId = key.Id.ToString("N") };
        }
        catch (CryptographicException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static byte[] Seal(SigningKey key, byte[] pkcs8, KeyEncryptionKey kek)
    {
        var sealedKey = Sealing.Seal(kek.Bytes, Version, pkcs8, BoundTo(key));
        CryptographicOperations.ZeroMemory(pkcs8);
        return sealedKey;
    }

    /// <summary>What the seal binds the key to: its row's id, purpose and creation time.</summary>
    private static byte[] BoundTo(SigningKey key) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"pocdir-token-key|{key.Id:N}|{key.Purpose}|{key.CreatedAt.UtcTicks / 10}"));

    private static bool IsInClear(SigningKey key)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(key.Pkcs8, out _);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token key {Id} ({Purpose}) is stored in clear (from before keys were sealed, or not put there by Identity): it is retired and never used")]
    private static partial void LogRetiredClear(ILogger logger, Guid id, string purpose);

    [LoggerMessage(Level = LogLevel.Error, Message = "Token key {Id} ({Purpose}) does not open under the key-encryption key for its row: it is not used")]
    private static partial void LogUnusable(ILogger logger, Guid id, string purpose);
}
