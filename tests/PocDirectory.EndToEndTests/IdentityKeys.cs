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
        // The keys are encrypted under Identity's key-encryption key, which only the state folder holds.
        var kek = System.Buffers.Text.Base64Url.DecodeFromChars(
            (await File.ReadAllTextAsync(Path.Combine(system.StateDirectory, "secrets", "identity-key-encryption-key"))).Trim())[..32];
        foreach (var pkcs8 in await SigningKeysAsync(system))
        {
            using var rsa = RSA.Create();
            rsa.ImportEncryptedPkcs8PrivateKey(kek, pkcs8, out _);
            if (rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return AccessTests.SignedBy(rsa, token, change);
            }
        }
        throw new InvalidOperationException("No current signing key of Identity verifies the token.");
    }

    private static async Task<List<byte[]>> SigningKeysAsync(RunningSystem system)
    {
        await using var connection = new NpgsqlConnection(system.DatabaseConnectionString(ResourceNames.IdentityDb));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pkcs8 FROM signing_keys WHERE purpose = 'signing' AND retired_at IS NULL", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<byte[]>();
        while (await reader.ReadAsync())
        {
            keys.Add((byte[])reader[0]);
        }
        return keys;
    }
}
