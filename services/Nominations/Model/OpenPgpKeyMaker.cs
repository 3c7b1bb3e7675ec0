using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace PocDirectory;

/// <summary>
/// Real OpenPGP public keys (Ed25519) made with BouncyCastle: armored, with a chosen lifetime; the
/// demo data set's technical points of contact carry them, and tests use them. The private half is
/// thrown away. Stands alone (BouncyCastle only), so the end-to-end tests compile it in.
/// </summary>
public static class OpenPgpKeyMaker
{
    /// <summary>An armored public key for <paramref name="userId"/>, created <paramref name="created"/>, valid for <paramref name="lifetime"/> (null: no expiry).</summary>
    public static string Armored(string userId, DateTime? created = null, TimeSpan? lifetime = null)
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = new PgpKeyPair(PublicKeyAlgorithmTag.EdDsa_Legacy, generator.GenerateKeyPair(), created ?? DateTime.UtcNow.AddMinutes(-5));
        var subpackets = new PgpSignatureSubpacketGenerator();
        subpackets.SetKeyFlags(false, PgpKeyFlags.CanSign | PgpKeyFlags.CanCertify);
        if (lifetime is { } life)
        {
            subpackets.SetKeyExpirationTime(false, (long)life.TotalSeconds);
        }
        var ring = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, pair, userId, SymmetricKeyAlgorithmTag.Aes256,
            Array.Empty<char>(), true, subpackets.Generate(), null, new SecureRandom());
        using var output = new MemoryStream();
        using (var armored = new ArmoredOutputStream(output))
        {
            ring.GeneratePublicKeyRing().Encode(armored);
        }
        return Encoding.ASCII.GetString(output.ToArray());
    }
}
