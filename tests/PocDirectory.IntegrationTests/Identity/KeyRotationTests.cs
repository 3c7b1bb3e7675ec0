using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Model;
using PocDirectory.Identity.Tokens;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Identity;

/// <summary>
/// A signing-key rotation on a real identitydb and a fake clock: the new key is published at once and signs only
/// after the publishing lead; a replica running all along picks each change up without a restart.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class KeyRotationTests(ServersFixture servers) : IdentityDatabaseTest(servers, "rotation")
{
    private readonly KeyEncryptionKey _kek = new(RandomNumberGenerator.GetBytes(32));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_new_key_is_published_at_once_signs_after_the_lead_and_the_old_one_goes_after_the_overlap()
    {
        var first = Assert.Single(await LoadAsync());
        SigningKey rotated;
        await using (var db = Context())
        {
            rotated = await SigningKeyStore.RotateAsync(db, _kek, _clock, CancellationToken.None);
        }
        Assert.Equal([first.KeyId, rotated.Id.ToString("N")], (await LoadAsync()).Select(k => k.KeyId)); // the old one signs, the new one is published

        _clock.Advance(SigningKeyStore.PublishLead - TimeSpan.FromSeconds(1));
        Assert.Equal(first.KeyId, (await LoadAsync())[0].KeyId);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([rotated.Id.ToString("N"), first.KeyId], (await LoadAsync()).Select(k => k.KeyId)); // now the new one signs

        _clock.Advance(SigningKeyStore.Overlap);
        Assert.Equal(rotated.Id.ToString("N"), Assert.Single(await LoadAsync()).KeyId);
        await using var check = Context();
        Assert.Equal(1, await check.SigningKeys.CountAsync(k => k.Purpose == SigningKey.Signing)); // the old one deleted
    }

    [Fact]
    public async Task A_replica_running_all_along_publishes_a_key_rotated_elsewhere_then_signs_with_it_without_a_restart()
    {
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddDbContext<PocIdentityDbContext>(o => o.UseNpgsql(ConnectionString))
            .AddSingleton(_kek)
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton<TokenKeyRing>()
            .AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerKeysSetup>()
            .AddSingleton<SigningKeyReloader>()
            .AddOptions()
            .BuildServiceProvider();
        var server = services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>();
        var reloader = services.GetRequiredService<SigningKeyReloader>();
        var first = Assert.Single(Signing(server));
        Assert.Null(reloader.SigningKeyAge); // not read yet
        Assert.True(await reloader.CheckOnceAsync(CancellationToken.None)); // what it started with
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(TimeSpan.FromDays(1).TotalSeconds, reloader.SigningKeyAge); // the age the alert on rotation reads
        Assert.False(await reloader.CheckOnceAsync(CancellationToken.None));
        Assert.Equal([first], Signing(server)); // built again from identitydb: the same key

        // Another replica (or the command) rotates.
        await using (var db = Context())
        {
            await SigningKeyStore.RotateAsync(db, _kek, _clock, CancellationToken.None);
        }
        Assert.Equal([first], Signing(server)); // nothing changes until the replica checks
        Assert.True(await reloader.CheckOnceAsync(CancellationToken.None));
        var published = Signing(server);
        Assert.Equal(2, published.Count);
        Assert.Equal(first, published[0]); // still signing with the old key, the new one in its published keys
        Assert.False(await reloader.CheckOnceAsync(CancellationToken.None));

        Assert.True(reloader.SigningKeyAge >= TimeSpan.FromDays(1).TotalSeconds); // the old key still signs: its age goes on

        _clock.Advance(SigningKeyStore.PublishLead);
        Assert.True(await reloader.CheckOnceAsync(CancellationToken.None));
        Assert.Equal([published[1], first], Signing(server)); // the new key signs, the old one stays published
        Assert.Equal(0, reloader.SigningKeyAge); // and the age is the new key's
    }

    private static List<string> Signing(IOptionsMonitor<OpenIddictServerOptions> server) =>
        server.CurrentValue.SigningCredentials.Select(c => c.Key.KeyId).ToList();

    private async Task<IReadOnlyList<RsaSecurityKey>> LoadAsync()
    {
        await using var db = Context();
        return await SigningKeyStore.LoadAsync(db, SigningKey.Signing, _kek, _clock, NullLogger.Instance, CancellationToken.None);
    }
}
