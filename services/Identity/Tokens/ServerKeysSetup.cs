using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Model;

namespace PocDirectory.Identity.Tokens;

/// <summary>
/// Gives the token server its persisted keys when its options are first built (after the migration,
/// at the first request), so a restart never regenerates them and never signs anyone out.
/// </summary>
public sealed class ServerKeysSetup(IServiceScopeFactory scopes, KeyEncryptionKey kek, TimeProvider clock, ILogger<ServerKeysSetup> logger)
    : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PocIdentityDbContext>();
        // Options are built synchronously; this runs once per process.
        foreach (var key in SigningKeyStore.LoadAsync(db, SigningKey.Signing, kek, clock, logger, CancellationToken.None).GetAwaiter().GetResult())
        {
            options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
        }
        foreach (var key in SigningKeyStore.LoadAsync(db, SigningKey.Encryption, kek, clock, logger, CancellationToken.None).GetAwaiter().GetResult())
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }
}
