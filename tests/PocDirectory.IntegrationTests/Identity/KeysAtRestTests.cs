using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Model;
using PocDirectory.Identity.Tokens;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Identity;

/// <summary>
/// Keys at rest on a real identitydb and in data-protection key rings: encrypted under a key the
/// store does not hold, useless to whoever reads the store, and never taken from it in clear.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class KeysAtRestTests(ServersFixture servers) : IdentityDatabaseTest(servers, "keys")
{
    private readonly KeyEncryptionKey _kek = new(RandomNumberGenerator.GetBytes(32));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_signing_key_is_stored_encrypted_and_opens_only_under_the_key_encryption_key()
    {
        await using var db = Context();
        var loaded = Assert.Single(await SigningKeyStore.LoadAsync(db, SigningKey.Signing, _kek, _clock, NullLogger.Instance, CancellationToken.None));
        var stored = await db.SigningKeys.AsNoTracking().SingleAsync();

        using (var clear = RSA.Create())
        {
            Assert.ThrowsAny<CryptographicException>(() => clear.ImportPkcs8PrivateKey(stored.Pkcs8, out _)); // not a key in clear
        }
        Assert.Null(SigningKeyStore.Open(stored, new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32))));
        var opened = SigningKeyStore.Open(stored, _kek)!;
        Assert.Equal(loaded.KeyId, opened.KeyId);
        Assert.Equal(loaded.Rsa.ExportParameters(false).Modulus, opened.Rsa.ExportParameters(false).Modulus);
        // The same key is read again by the next start (or replica): nothing regenerated, nobody signed out.
        await using var again = Context();
        Assert.Equal(loaded.KeyId, Assert.Single(await SigningKeyStore.LoadAsync(again, SigningKey.Signing, _kek, _clock, NullLogger.Instance, CancellationToken.None)).KeyId);
    }

    [Fact]
    public async Task A_key_row_moved_to_another_purpose_or_made_to_look_newer_no_longer_opens_and_a_wrong_key_stops_the_start()
    {
        await using (var db = Context())
        {
            await SigningKeyStore.LoadAsync(db, SigningKey.Encryption, _kek, _clock, NullLogger.Instance, CancellationToken.None);
        }
        await using (var db = Context())
        {
            var stored = await db.SigningKeys.AsNoTracking().SingleAsync();
            Assert.NotNull(SigningKeyStore.Open(stored, _kek));
            Assert.Null(SigningKeyStore.Open(new SigningKey { Id = stored.Id, Purpose = SigningKey.Signing, Pkcs8 = stored.Pkcs8, CreatedAt = stored.CreatedAt }, _kek));
            Assert.Null(SigningKeyStore.Open(new SigningKey { Id = stored.Id, Purpose = stored.Purpose, Pkcs8 = stored.Pkcs8, CreatedAt = stored.CreatedAt.AddDays(1) }, _kek));
            Assert.Null(SigningKeyStore.Open(new SigningKey { Id = Guid.NewGuid(), Purpose = stored.Purpose, Pkcs8 = stored.Pkcs8, CreatedAt = stored.CreatedAt }, _kek));
        }
        // A replica started with another key-encryption key refuses to start rather than make keys of its own.
        await using var other = Context();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SigningKeyStore.LoadAsync(
            other, SigningKey.Encryption, new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32)), _clock, NullLogger.Instance, CancellationToken.None));
        Assert.Contains("KeyEncryption:Key", error.Message);
        Assert.Equal(1, await other.SigningKeys.CountAsync());
    }

    [Fact]
    public async Task A_key_put_in_the_database_in_clear_is_never_used_to_sign()
    {
        await using (var db = Context())
        {
            await SigningKeyStore.LoadAsync(db, SigningKey.Signing, _kek, _clock, NullLogger.Instance, CancellationToken.None);
            // Someone who can write to identitydb adds a newer key whose private half they know.
            using var theirs = RSA.Create(2048);
            db.SigningKeys.Add(new SigningKey { Id = Guid.NewGuid(), Purpose = SigningKey.Signing, Pkcs8 = theirs.ExportPkcs8PrivateKey(), CreatedAt = _clock.GetUtcNow().AddMinutes(1) });
            await db.SaveChangesAsync();
        }
        await using var next = Context();
        var keys = await SigningKeyStore.LoadAsync(next, SigningKey.Signing, _kek, _clock, NullLogger.Instance, CancellationToken.None);
        var genuine = await next.SigningKeys.AsNoTracking().OrderBy(k => k.CreatedAt).FirstAsync();
        Assert.Equal([genuine.Id.ToString("N")], keys.Select(k => k.KeyId)); // theirs is neither signing nor published
        // It is retired on sight, and gone at the next load.
        _clock.Advance(TimeSpan.FromSeconds(1));
        await using var later = Context();
        await SigningKeyStore.LoadAsync(later, SigningKey.Signing, _kek, _clock, NullLogger.Instance, CancellationToken.None);
        Assert.Equal([genuine.Id], await later.SigningKeys.Select(k => k.Id).ToListAsync());
    }

    [Fact]
    public void A_data_protection_key_planted_in_clear_is_never_used()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("pocdir-dp-").FullName;
        try
        {
            // Someone who can write to the store adds a key in clear, and knows it.
            var plantedText = Provider(folder, kek: null).CreateProtector("test").Protect("forged session");
            var sealedProvider = Provider(folder, _kek);
            var protector = sealedProvider.CreateProtector("test");
            Assert.ThrowsAny<CryptographicException>(() => { _ = protector.Unprotect(plantedText); });
            // The service makes a sealed key of its own instead, and uses that.
            var own = protector.Protect("a session's secret");
            Assert.Equal("a session's secret", Provider(folder, _kek).CreateProtector("test").Unprotect(own));
            Assert.Equal(2, System.IO.Directory.GetFiles(folder, "*.xml").Length);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Data_protection_keys_are_written_sealed_and_read_back_only_under_the_same_key()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("pocdir-dp-").FullName;
        try
        {
            var protectedText = Provider(folder, _kek).CreateProtector("test").Protect("a session's secret");
            var ring = string.Join("\n", System.IO.Directory.GetFiles(folder, "*.xml").Select(File.ReadAllText));
            Assert.True(ring.Contains("<sealedKey", StringComparison.Ordinal), ring);
            Assert.DoesNotContain("<value>", ring, StringComparison.Ordinal); // the master key is not in clear
            Assert.Equal("a session's secret", Provider(folder, _kek).CreateProtector("test").Unprotect(protectedText));
            // A genuine sealed key is read; the same key with a master key of someone else's put beside its secret is not.
            var genuine = System.Xml.Linq.XElement.Load(System.IO.Directory.GetFiles(folder, "key-*.xml").Single());
            Assert.True(SealedKeysOnlyRepository.IsSealedOrNoKey(genuine));
            var doctored = new System.Xml.Linq.XElement(genuine);
            doctored.Descendants().First(e => e.Name.LocalName == "encryptedSecret")
                .AddBeforeSelf(new System.Xml.Linq.XElement("masterKey", new System.Xml.Linq.XElement("value", Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)))));
            Assert.False(SealedKeysOnlyRepository.IsSealedOrNoKey(doctored));
            Assert.True(SealedKeysOnlyRepository.IsSealedOrNoKey(new System.Xml.Linq.XElement("revocation")));
            var elsewhere = Provider(folder, new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32))).CreateProtector("test");
            Assert.ThrowsAny<CryptographicException>(() => { _ = elsewhere.Unprotect(protectedText); });
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    private static IDataProtectionProvider Provider(string folder, KeyEncryptionKey? kek)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var dataProtection = services.AddDataProtection()
            .SetApplicationName("pocdir-test")
            .PersistKeysToFileSystem(new DirectoryInfo(folder));
        if (kek is not null)
        {
            dataProtection.ProtectKeysWithKeyEncryptionKey(kek);
        }
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }
}
