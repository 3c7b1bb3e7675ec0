using System.Security.Cryptography;

namespace PocDirectory.BuildingBlocks.Security;

/// <summary>
/// The secret in an e-mailed single-use link (an invitation, a nominee's confirmation): 256 random
/// bits, base64url, shown once; only its SHA-256 is stored and looked up.
/// </summary>
public static class OneTimeTokens
{
    public static string New() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}
