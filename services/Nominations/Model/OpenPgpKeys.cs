using System.Text;
using Org.BouncyCastle.Bcpg.OpenPgp;
using PocDirectory.Contracts.PointsOfContact;

namespace PocDirectory.Nominations.Model;

/// <summary>Reads an ASCII-armored OpenPGP public key with BouncyCastle: its fingerprint, dates and first user id.</summary>
public static class OpenPgpKeys
{
    public const int MaxArmoredLength = 64 * 1024;

    /// <summary>The key, or why it cannot be used.</summary>
    public static (PocPgpKey? Key, string? Error) Parse(string armored, DateTimeOffset now)
    {
        armored = armored.Trim().ReplaceLineEndings("\n");
        if (armored.Length > MaxArmoredLength)
        {
            return (null, $"The key is longer than {MaxArmoredLength / 1024} KB.");
        }
        if (!armored.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", StringComparison.Ordinal) ||
            !armored.EndsWith("-----END PGP PUBLIC KEY BLOCK-----", StringComparison.Ordinal))
        {
            return (null, "Paste the ASCII-armored public key, from -----BEGIN PGP PUBLIC KEY BLOCK----- to -----END PGP PUBLIC KEY BLOCK-----.");
        }
        PgpPublicKey master;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(armored)));
            var bundle = new PgpPublicKeyRingBundle(input);
            var rings = bundle.GetKeyRings().ToList();
            if (rings.Count != 1)
            {
                return (null, rings.Count == 0 ? "The block holds no public key." : "Paste one public key, not several.");
            }
            master = rings[0].GetPublicKey();
        }
        catch (Exception ex) when (ex is IOException or PgpException or ArgumentException or InvalidOperationException)
        {
            return (null, "This is not a readable OpenPGP public key.");
        }
        if (master.HasRevocation())
        {
            return (null, "This key has been revoked.");
        }
        var created = new DateTimeOffset(DateTime.SpecifyKind(master.CreationTime, DateTimeKind.Utc));
        var validSeconds = master.GetValidSeconds();
        DateTimeOffset? expires = validSeconds > 0 ? created.AddSeconds(validSeconds) : null;
        if (expires <= now)
        {
            return (null, $"This key expired on {expires:yyyy-MM-dd}.");
        }
        var fingerprint = Convert.ToHexString(master.GetFingerprint());
        var userId = master.GetUserIds().FirstOrDefault();
        return (new PocPgpKey(armored, fingerprint, created, expires, userId), null);
    }

    /// <summary>A fingerprint in groups of four, as people read them aloud.</summary>
    public static string Format(string fingerprint) =>
        string.Join(' ', Enumerable.Range(0, (fingerprint.Length + 3) / 4).Select(i => fingerprint.Substring(i * 4, Math.Min(4, fingerprint.Length - i * 4))));
}
