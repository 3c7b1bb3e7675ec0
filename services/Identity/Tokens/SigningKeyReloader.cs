using Microsoft.Extensions.Options;
using OpenIddict.Server;
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
/// </summary>
public sealed partial class SigningKeyReloader(
    IServiceScopeFactory scopes,
    TokenKeyRing ring,
    IOptionsMonitorCache<OpenIddictServerOptions> serverOptions,
    IOptionsMonitorCache<OpenIddictValidationOptions> validationOptions,
    TimeProvider clock,
    IConfiguration configuration,
    ILogger<SigningKeyReloader> logger) : BackgroundService
{
    private string? _seen;

    private TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Identity:KeyReloadSeconds", 30)));

    /// <summary>
    /// Reads the keys in use once; when they changed, reads the keys themselves and only then has the options built
    /// again. Returns true when it did. A failed read changes nothing and is tried again at the next check.
    /// </summary>
    public async Task<bool> CheckOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PocIdentityDbContext>();
        var fingerprint = await SigningKeyStore.FingerprintAsync(db, clock.GetUtcNow(), ct);
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
            LogReloaded(logger);
        }
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }
            await Task.Delay(Interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The token keys changed in identitydb: loading them again")]
    private static partial void LogReloaded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the token keys in use failed; trying again later")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
