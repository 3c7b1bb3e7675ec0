using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// Passkeys (WebAuthn, built into ASP.NET Core Identity): the phishing-resistant way in, and a whole
/// sign-in on their own (something held, unlocked by the person). The relying party is the public
/// origin's host; the browser's origin is checked against it.
/// </summary>
public sealed class Passkeys(
    SignInManager<PocUser> signIn, UserManager<PocUser> users, KnownDevices devices, SignInThrottle throttle, PocIdentityDbContext db, TimeProvider clock)
{
    /// <summary>How a passkey sign-in is named in tokens (RFC 8176): a key held by an authenticator, and so two factors.</summary>
    public static readonly string[] Methods = ["hwk", MultiFactorTokens.MultiFactor];

    public const int MaxPasskeysPerAccount = 10;

    public static void Configure(IdentityPasskeyOptions options, Uri publicOrigin)
    {
        options.ServerDomain = publicOrigin.Host;
        options.UserVerificationRequirement = "required"; // the authenticator checks the person (PIN, fingerprint)
        options.ResidentKeyRequirement = "required";      // discoverable: sign-in needs no address typed first
        var origin = publicOrigin.GetLeftPart(UriPartial.Authority);
        options.ValidateOrigin = context => ValueTask.FromResult(!context.CrossOrigin && string.Equals(context.Origin, origin, StringComparison.Ordinal));
    }

    public Task<string> CreationOptionsAsync(PocUser user) =>
        signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity { Id = user.Id, Name = user.Email!, DisplayName = user.DisplayName });

    /// <summary>Registers the passkey the browser created; null when done, else why not.</summary>
    public async Task<string?> AddAsync(PocUser user, string? credentialJson, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(credentialJson) || credentialJson.Length > 64 * 1024)
        {
            return "No passkey was received.";
        }
        if ((await users.GetPasskeysAsync(user)).Count >= MaxPasskeysPerAccount)
        {
            return $"An account holds at most {MaxPasskeysPerAccount} passkeys: remove one first.";
        }
        var attestation = await signIn.PerformPasskeyAttestationAsync(credentialJson);
        if (!attestation.Succeeded)
        {
            db.AddAuditRecord(ResourceNames.Identity, "mfa.passkey-added", AuditOutcomes.Failure, http, actor: user.Id, state: user.State, detail: attestation.Failure?.Message);
            await db.SaveChangesAsync(ct);
            return "The passkey could not be registered. Try again.";
        }
        var passkey = attestation.Passkey;
        passkey.Name = $"Passkey added {clock.GetUtcNow():d MMM yyyy HH:mm} UTC";
        var added = await users.AddOrUpdatePasskeyAsync(user, passkey);
        if (!added.Succeeded)
        {
            return string.Join(" ", added.Errors.Select(e => e.Description));
        }
        db.AddAuditRecord(ResourceNames.Identity, "mfa.passkey-added", AuditOutcomes.Success, http, actor: user.Id, state: user.State);
        db.AddSecurityNotice(user, "Passkey added", "A passkey was added to your account; it can sign in on its own.", clock);
        await db.SaveChangesAsync(ct);
        return null;
    }

    public Task<string> RequestOptionsAsync() => signIn.MakePasskeyRequestOptionsAsync(null);

    /// <summary>Signs in with the passkey the browser used; the account, or null when refused.</summary>
    public async Task<PocUser?> SignInAsync(string? credentialJson, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(credentialJson) || credentialJson.Length > 64 * 1024)
        {
            return null;
        }
        var assertion = await signIn.PerformPasskeyAssertionAsync(credentialJson);
        var user = assertion.Succeeded ? assertion.User : null;
        // Never held back by failed passwords or codes: whoever guesses those cannot keep a passkey out.
        var allowed = user is not null && await signIn.CanSignInAsync(user);
        SignInSteps.Count("sign-in.passkey", allowed ? "signed-in" : user is null ? "wrong-credential" : "not-allowed");
        db.AddAuditRecord(ResourceNames.Identity, "sign-in.passkey", allowed ? AuditOutcomes.Success : AuditOutcomes.Failure, http,
            actor: user?.Id ?? "anonymous", target: user?.Email, state: user?.State,
            detail: allowed ? "signed in" : user is null ? assertion.Failure?.Message : "account not allowed (disabled)");
        await db.SaveChangesAsync(ct);
        if (!allowed)
        {
            return null;
        }
        await users.AddOrUpdatePasskeyAsync(user!, assertion.Passkey!); // its new signature count
        await throttle.SucceededAsync(user!.Email, ClientAddresses.Of(http), ct);
        await signIn.SignInWithClaimsAsync(user!, isPersistent: false, SignInMethods.SignedIn(Methods, clock));
        await devices.SignedInAsync(user!, http, notify: true, ct);
        return user;
    }

    /// <summary>Removes a passkey unless it is the account's last second factor; null when done, else why not.</summary>
    public async Task<string?> RemoveAsync(PocUser user, byte[] credentialId, HttpContext http, CancellationToken ct)
    {
        var passkeys = await users.GetPasskeysAsync(user);
        if (!passkeys.Any(p => p.CredentialId.AsSpan().SequenceEqual(credentialId)))
        {
            return "No such passkey.";
        }
        if (passkeys.Count == 1 && user.AuthenticatorConfirmedAt is null)
        {
            return "This is your only second factor: add another passkey or an authenticator app before removing it.";
        }
        await users.RemovePasskeyAsync(user, credentialId);
        db.AddAuditRecord(ResourceNames.Identity, "mfa.passkey-removed", AuditOutcomes.Success, http, actor: user.Id, state: user.State);
        db.AddSecurityNotice(user, "Passkey removed", "A passkey was removed from your account.", clock);
        await db.SaveChangesAsync(ct);
        return null;
    }
}
