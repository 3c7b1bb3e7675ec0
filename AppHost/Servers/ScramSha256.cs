using System.Security.Cryptography;
using System.Text;

namespace PocDirectory.AppHost;

/// <summary>
/// PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802, RFC 7677), made here so that a role's password
/// reaches the server only as this verifier: never as text in a statement that a log or an error could show.
/// </summary>
public static class ScramSha256
{
    public const int Iterations = 4096; // PostgreSQL's own default (scram_iterations)

    /// <summary><c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c>, each part base64.</summary>
    public static string Verifier(string password, byte[]? salt = null)
    {
        salt ??= RandomNumberGenerator.GetBytes(16);
        // SASLprep leaves the passwords made here (ASCII letters, digits, '-' and '_') as they are.
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
