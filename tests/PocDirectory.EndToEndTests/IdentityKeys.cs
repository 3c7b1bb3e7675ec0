using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Identity's real signing key, read from its database, to make tokens Identity would never issue
/// (no second factor, expired, for another API) and show that every check refuses them anyway.
/// </summary>
public static class IdentityKeys
{
    /// <summary><paramref name="token"/> changed by <paramref name="change"/> and signed again with the key that signed it.</summary>
    public static async Task<string> ResignAsync(RunningSystem system, string token, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        var signature = System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]);
        // The keys are sealed under Identity's key-encryption key, which only the state folder holds, and bound to their rows.
        var kek = System.Buffers.Text.Base64Url.DecodeFromChars(
            system.Secret("identity-key-encryption-key"))[..32];
        foreach (var (id, createdAt, sealedKey) in await SigningKeysAsync(system))
        {
            var pkcs8 = new byte[sealedKey.Length - 29];
            using (var aes = new AesGcm(kek, 16))
            {
                aes.Decrypt(sealedKey.AsSpan(1, 12), sealedKey.AsSpan(29), sealedKey.AsSpan(13, 16), pkcs8,
                    Encoding.UTF8.GetBytes($"pocdir-token-key|{id:N}|signing|{createdAt.Ticks / 10}"));
            }
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            if (rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return AccessTests.SignedBy(rsa, token, change);
            }
        }
        throw new InvalidOperationException("No current signing key of Identity verifies the token.");
    }

    private static async Task<List<(Guid Id, DateTime CreatedAt, byte[] Sealed)>> SigningKeysAsync(RunningSystem system)
    {
        await using var connection = new NpgsqlConnection(system.DatabaseConnectionString(ResourceNames.IdentityDb));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, created_at, pkcs8 FROM signing_keys WHERE purpose = 'signing' AND retired_at IS NULL", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<(Guid, DateTime, byte[])>();
        while (await reader.ReadAsync())
        {
            keys.Add((reader.GetGuid(0), reader.GetDateTime(1), (byte[])reader[2]));
        }
        return keys;
    }
}
