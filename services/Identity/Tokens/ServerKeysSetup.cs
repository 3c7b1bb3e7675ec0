using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace PocDirectory.Identity.Tokens;

/// <summary>
/// Gives the token server its persisted keys whenever its options are built (after the migration, at the first
/// request, and again after a key change), from <see cref="TokenKeyRing"/>: a restart never regenerates them and
/// never signs anyone out. The signing keys come active first, the latest to become active first (OpenIddict signs
/// with the first), then those only published until they sign.
/// </summary>
public sealed class ServerKeysSetup(TokenKeyRing ring) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        var keys = ring.Current;
        foreach (var key in keys.Signing)
        {
            options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
        }
        foreach (var key in keys.Encryption)
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }
}
