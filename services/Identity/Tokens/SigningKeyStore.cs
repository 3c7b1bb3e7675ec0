using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Model;

namespace PocDirectory.Identity.Tokens;

/// <summary>Creates, rotates and loads the persisted keys of the token server.</summary>
public static class SigningKeyStore
{
    /// <summary>Long enough for every token signed by a replaced key to expire (tokens live 10 minutes).</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromHours(1);

    /// <summary>The keys in use for <paramref name="purpose"/>, newest first; creates the first on a new database.</summary>
    public static async Task<IReadOnlyList<RsaSecurityKey>> LoadAsync(PocIdentityDbContext db, string purpose, TimeProvider clock, CancellationToken ct)
    {
        // One replica creates the first key; the others wait for its transaction and read it.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7301001)", ct);
        var now = clock.GetUtcNow();
        var keys = await db.SigningKeys
            .Where(k => k.Purpose == purpose && (k.RetiredAt == null || k.RetiredAt > now))
            .OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
        if (keys.Count == 0)
        {
            keys.Add(await AddKeyAsync(db, purpose, now, ct));
        }
        await transaction.CommitAsync(ct);
        return keys.Select(ToSecurityKey).ToList();
    }

    /// <summary>
    /// Adds a new signing key and retires the current ones after <see cref="Overlap"/>: tokens they
    /// signed stay valid until they expire. Each replica signs with the new key once restarted.
    /// </summary>
    public static async Task<SigningKey> RotateAsync(PocIdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.SigningKeys.Where(k => k.Purpose == SigningKey.Signing && k.RetiredAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.RetiredAt, now + Overlap), ct);
        return await AddKeyAsync(db, SigningKey.Signing, now, ct);
    }

    private static async Task<SigningKey> AddKeyAsync(PocIdentityDbContext db, string purpose, DateTimeOffset now, CancellationToken ct)
    {
        using var rsa = RSA.Create(3072);
        var key = new SigningKey { Id = Guid.NewGuid(), Purpose = purpose, Pkcs8 = rsa.ExportPkcs8PrivateKey(), CreatedAt = now };
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return key;
    }

    private static RsaSecurityKey ToSecurityKey(SigningKey key)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(key.Pkcs8, out _);
        return new RsaSecurityKey(rsa) { KeyId = key.Id.ToString("N") };
    }
}
