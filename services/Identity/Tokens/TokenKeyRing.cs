using Microsoft.IdentityModel.Tokens;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Model;

namespace PocDirectory.Identity.Tokens;

/// <summary>
/// The token server's keys as last read from identitydb. <see cref="ServerKeysSetup"/> builds the server's options
/// from it, so building them again (<see cref="SigningKeyReloader"/>) never touches the database inside a request:
/// the reloader reads the keys first and has the options built again only once that read succeeded.
/// </summary>
public sealed class TokenKeyRing(IServiceScopeFactory scopes, KeyEncryptionKey kek, TimeProvider clock, ILogger<TokenKeyRing> logger)
{
    public sealed record Keys(IReadOnlyList<RsaSecurityKey> Signing, IReadOnlyList<RsaSecurityKey> Encryption);

    private volatile Keys? _current;

    /// <summary>The keys last read; read now, once, if none were (the first build of the options, at start).</summary>
    public Keys Current => _current ?? LoadAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Reads the keys in use (creating the first ones on a new database) and keeps them.</summary>
    public async Task<Keys> LoadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PocIdentityDbContext>();
        var signing = await SigningKeyStore.LoadAsync(db, SigningKey.Signing, kek, clock, logger, ct);
        var encryption = await SigningKeyStore.LoadAsync(db, SigningKey.Encryption, kek, clock, logger, ct);
        var keys = new Keys(signing, encryption);
        _current = keys;
        return keys;
    }
}
