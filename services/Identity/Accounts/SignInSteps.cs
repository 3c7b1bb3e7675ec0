using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// The sign-in steps behind the pages, each audited (success and failure). Failures count towards
/// the account's lockout (5 in a row: 15 minutes), whichever step they happen at.
/// </summary>
public sealed class SignInSteps(
    SignInManager<PocUser> signIn, UserManager<PocUser> users, IPasswordHasher<PocUser> hasher, AccountAttemptLimiter limiter,
    KnownDevices devices, PocIdentityDbContext db, TimeProvider clock)
{
    public const string Refused =
        "The e-mail address or password is not right, or the account is locked for a while after too many attempts.";

    public const string CodeRefused =
        "The code is not right or has expired, or the account is locked for a while after too many attempts.";

    /// <summary>A hash to check unknown addresses' passwords against, so that they take as long as known ones.</summary>
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<PocUser>().HashPassword(new PocUser(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    /// <summary>Set when the account's attempts are used up: the step was not tried, and may be after this long.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    public const string Throttled = "Too many attempts to sign in to this account. Wait a few minutes, then try again.";

    public async Task<SignInResult> PasswordAsync(string? email, string? password, HttpContext http, CancellationToken ct)
    {
        email = email?.Trim() ?? "";
        password ??= "";
        if (await ThrottledAsync(email, "sign-in.password", http, ct))
        {
            return SignInResult.Failed;
        }
        var user = email.Length is > 0 and <= 256 ? await users.FindByEmailAsync(email) : null;
        SignInResult result;
        if (user is null)
        {
            hasher.VerifyHashedPassword(new PocUser(), DecoyHash.Value, password);
            result = SignInResult.Failed;
        }
        else
        {
            if (await users.IsLockedOutAsync(user) || !await signIn.CanSignInAsync(user))
            {
                // Identity answers a locked or disabled account without checking the password: check one
                // anyway, so that it takes as long as any other and tells nothing.
                hasher.VerifyHashedPassword(user, DecoyHash.Value, password);
            }
            result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        }
        await AuditAsync("sign-in.password", result, user, email.Length <= 256 ? email : email[..256], http, ct);
        return result;
    }

    /// <summary>The account that passed the password step and waits for its second factor, or null.</summary>
    public Task<PocUser?> PendingUserAsync() => signIn.GetTwoFactorAuthenticationUserAsync();

    /// <summary>Null when no password step is pending (it expired after 5 minutes, or never happened).</summary>
    public async Task<SignInResult?> AuthenticatorAsync(string? code, HttpContext http, CancellationToken ct)
    {
        var user = await PendingUserAsync();
        if (user is null)
        {
            return null;
        }
        if (await ThrottledAsync(user.Email, "sign-in.authenticator", http, ct))
        {
            return SignInResult.Failed;
        }
        // Only a confirmed app counts (an account with passkeys alone has none).
        var result = user.AuthenticatorConfirmedAt is null
            ? await FailAsync(user)
            : await signIn.TwoFactorAuthenticatorSignInAsync(Normalize(code), isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            await RecordMethodsAsync(user, "otp");
            await devices.SignedInAsync(user, http, notify: true, ct);
        }
        await AuditAsync("sign-in.authenticator", result, user, user.Email, http, ct);
        return result;
    }

    public async Task<SignInResult?> RecoveryCodeAsync(string? code, HttpContext http, CancellationToken ct)
    {
        var user = await PendingUserAsync();
        if (user is null)
        {
            return null;
        }
        if (await ThrottledAsync(user.Email, "sign-in.recovery-code", http, ct))
        {
            return SignInResult.Failed;
        }
        var result = await signIn.TwoFactorRecoveryCodeSignInAsync((code ?? "").Replace(" ", "", StringComparison.Ordinal).Trim());
        if (result.Succeeded)
        {
            await RecordMethodsAsync(user);
            await devices.SignedInAsync(user, http, notify: true, ct);
            db.AddSecurityNotice(user, "Recovery code used", $"{await users.CountRecoveryCodesAsync(user)} recovery codes are left; make new ones in your account if few are.", clock);
            await db.SaveChangesAsync(ct);
        }
        else if (!result.IsLockedOut)
        {
            // Recovery codes are not counted by Identity itself; a guess must cost as much as a wrong TOTP code.
            await users.AccessFailedAsync(user);
        }
        await AuditAsync("sign-in.recovery-code", result, user, user.Email, http, ct);
        return result;
    }

    private async Task<SignInResult> FailAsync(PocUser user)
    {
        await users.AccessFailedAsync(user);
        return await users.IsLockedOutAsync(user) ? SignInResult.LockedOut : SignInResult.Failed;
    }

    /// <summary>
    /// Identity's sign-in marks a two-factor sign-in with amr "mfa" only; the session (and so the
    /// tokens) also says which factors, in RFC 8176's words: the password, and "otp" for the
    /// authenticator app (a recovery code is neither a device nor a key, and is left unnamed).
    /// </summary>
    private Task RecordMethodsAsync(PocUser user, params string[] second) =>
        signIn.SignInWithClaimsAsync(user, isPersistent: false,
            [new Claim("amr", "pwd"), .. second.Select(m => new Claim("amr", m)), new Claim("amr", MultiFactorTokens.MultiFactor)]);

    private async Task<bool> ThrottledAsync(string? email, string action, HttpContext http, CancellationToken ct)
    {
        RetryAfter = await limiter.TryAttemptAsync(email);
        if (RetryAfter is null)
        {
            return false;
        }
        db.AddAuditRecord(ResourceNames.Identity, action, AuditOutcomes.Failure, http, actor: "anonymous",
            target: email is { Length: > 256 } ? email[..256] : email, detail: "too many attempts for the account");
        await db.SaveChangesAsync(ct);
        return true;
    }

    private async Task AuditAsync(string action, SignInResult result, PocUser? user, string? target, HttpContext http, CancellationToken ct)
    {
        var outcome = result.Succeeded || result.RequiresTwoFactor ? AuditOutcomes.Success : AuditOutcomes.Failure;
        var detail = result switch
        {
            { Succeeded: true } => "signed in",
            { RequiresTwoFactor: true } => "second factor required",
            { IsLockedOut: true } => "locked out",
            { IsNotAllowed: true } => "account not allowed (disabled)",
            _ => user is null ? "unknown account" : "wrong credential",
        };
        db.AddAuditRecord(ResourceNames.Identity, action, outcome, http, actor: user?.Id ?? "anonymous", target: target, state: user?.State, detail: detail);
        await db.SaveChangesAsync(ct);
    }

    private static string Normalize(string? code) => (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
}
