using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using PocDirectory.BuildingBlocks.Persistence;
using OpenIddict.Validation;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Tokens;

/// <summary>
/// Keeps every Identity replica on the keys in identitydb without a restart: every
/// <c>Identity:KeyReloadSeconds</c> (30 unless set) it reads which keys are in use and which of them sign; when
/// that changed (a rotation by any replica or by the command, a published key whose time to sign has come, a key
/// retired), it reads the keys (<see cref="TokenKeyRing"/>) and then has the token server's options — and the
/// validation options that read their keys from it — built again at the next request, through
/// <see cref="ServerKeysSetup"/>, which reads no database. A new key is published
/// <see cref="SigningKeyStore.PublishLead"/> before it signs, so every replica publishes it before any signs with it.
/// A key's time to sign is a row's deadline: the checks run as a <see cref="DeadlineWorker"/>, again at once after a
/// change (in case the keys changed while they were read), and a failed one is logged and tried at the next interval.
/// </summary>
public sealed partial class SigningKeyReloader(
    IServiceScopeFactory scopes,
    TokenKeyRing ring,
    IOptionsMonitorCache<OpenIddictServerOptions> serverOptions,
    IOptionsMonitorCache<OpenIddictValidationOptions> validationOptions,
    TimeProvider clock,
    IConfiguration configuration,
    ILogger<SigningKeyReloader> logger) : DeadlineWorker(clock, logger)
{
    private string? _seen;

    private static readonly Meter Meter = new("PocDirectory.Tokens");

    // Every reloader running in the process (one, but for tests that run several hosts in one): the operations team is
    // told when a rotation is due (deploy/monitoring/alert-rules.yml, SigningKeyRotationDue).
    private static readonly ConcurrentDictionary<SigningKeyReloader, byte> Running = new();

    private static readonly ObservableGauge<double> KeyAge = Meter.CreateObservableGauge("signing.key.age",
        () => Running.Keys.Select(r => r.SigningKeyAge).OfType<double>().DefaultIfEmpty(-1).Max() is var age and >= 0
            ? [new Measurement<double>(age)] : Array.Empty<Measurement<double>>(),
        "s", "How long the token signing key in use has been signing");

    // When the key in use began signing, as the last check read it (0: none read yet, or none signs).
    private long _signingSinceTicks;

    /// <summary>Seconds the key in use has been signing, as the last check read it; null before the first or when none signs.</summary>
    public double? SigningKeyAge => Interlocked.Read(ref _signingSinceTicks) is var ticks and > 0
        ? Math.Max(0, (Clock.GetUtcNow() - new DateTimeOffset(ticks, TimeSpan.Zero)).TotalSeconds)
        : null;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Running.TryAdd(this, 0);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Running.TryRemove(this, out _);
        await base.StopAsync(cancellationToken);
    }

    protected override int Batch => 1;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Identity:KeyReloadSeconds", 30)));

    public override async Task<int> RunOnceAsync(CancellationToken ct) => await CheckOnceAsync(ct) ? 1 : 0;

    /// <summary>
    /// Reads the keys in use once; when they changed, reads the keys themselves and only then has the options built
    /// again. Returns true when it did. A failed read changes nothing and is tried again at the next check.
    /// </summary>
    public async Task<bool> CheckOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PocIdentityDbContext>();
        var now = Clock.GetUtcNow();
        Interlocked.Exchange(ref _signingSinceTicks, (await SigningKeyStore.SigningSinceAsync(db, now, ct))?.UtcTicks ?? 0);
        var fingerprint = await SigningKeyStore.FingerprintAsync(db, now, ct);
        if (fingerprint == _seen)
        {
            return false;
        }
        var first = _seen is null;
        await ring.LoadAsync(ct);
        serverOptions.TryRemove(Options.DefaultName);
        validationOptions.TryRemove(Options.DefaultName);
        _seen = fingerprint;
        if (!first)
        {
            LogReloaded(Logger);
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The token keys changed in identitydb: loading them again")]
    private static partial void LogReloaded(ILogger logger);
}
