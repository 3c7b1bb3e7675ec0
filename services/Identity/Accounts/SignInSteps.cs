using System.Diagnostics.Metrics;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// The sign-in steps behind the pages, each audited (success and failure). Every attempt, whichever
/// step, counts towards the <see cref="SignInThrottle"/>'s delays until the sign-in succeeds; nothing
/// locks an account.
/// </summary>
public sealed class SignInSteps(
    SignInManager<PocUser> signIn, UserManager<PocUser> users, IPasswordHasher<PocUser> hasher, SignInThrottle throttle,
    KnownDevices devices, PocIdentityDbContext db, TimeProvider clock)
{
    public const string Refused = "The e-mail address or password is not right.";

    private static readonly Meter Meter = new("PocDirectory.SignIn");

    // Tagged by step (password, authenticator, recovery-code) and outcome: a handful of series, and no one named.
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("signin.attempts", "{attempt}",
        "Sign-in steps tried, by step and outcome (signed-in, second-factor, unknown-account, wrong-credential, not-allowed, held-back)");

    /// <summary>Counts one attempt of a step (its audit action, "sign-in.…") with its outcome; the passkey's too.</summary>
    public static void Count(string action, string outcome) => Attempts.Add(1, Tags(action.Replace("sign-in.", "", StringComparison.Ordinal), outcome));

    private static KeyValuePair<string, object?>[] Tags(string step, string outcome) =>
        [new("step", step), new("outcome", outcome)];

    /// <summary>
    /// Starts every series there can be at 0, once at start-up: a first attempt is then an increase Prometheus sees, not
    /// a series born at 1.
    /// </summary>
    public static void StartCounting()
    {
        foreach (var step in new[] { "password", "authenticator", "recovery-code", "passkey" })
        {
            foreach (var outcome in new[] { "signed-in", "second-factor", "unknown-account", "wrong-credential", "not-allowed", "held-back" })
            {
                Attempts.Add(0, Tags(step, outcome));
            }
        }
    }

    public const string CodeRefused = "The code is not right or has expired.";

    /// <summary>A hash to check unknown addresses' passwords against, so that they take as long as known ones.</summary>
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<PocUser>().HashPassword(new PocUser(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    /// <summary>Set when attempts must wait: the step was not tried, and may be after this long.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>Answers 429 with Retry-After in whole seconds, and gives what the person reads.</summary>
    public static string HeldBack(HttpResponse response, TimeSpan wait)
    {
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Throttled(wait);
    }

    /// <summary>What a person reads when held back: how long, in words.</summary>
    public static string Throttled(TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        var howLong = seconds < 60 ? (seconds == 1 ? "1 second" : $"{seconds} seconds")
            : (int)Math.Ceiling(seconds / 60.0) is var minutes && minutes == 1 ? "1 minute" : $"{(int)Math.Ceiling(seconds / 60.0)} minutes";
        return $"Too many attempts to sign in. Wait {howLong}, then try again.";
    }

    public async Task<SignInResult> PasswordAsync(string? email, string? password, HttpContext http, CancellationToken ct)
    {
        email = email?.Trim() ?? "";
        password ??= "";
        if (await ThrottledAsync(email, "sign-in.password", http, secondFactor: false, await devices.IsKnownAsync(email, http, ct), ct))
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
            if (!await signIn.CanSignInAsync(user))
            {
                // Identity answers a disabled account without checking the password: check one anyway,
                // so that it takes as long as any other and tells nothing.
                hasher.VerifyHashedPassword(user, DecoyHash.Value, password);
            }
            result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: false);
        }
        if (result.RequiresTwoFactor)
        {
            await throttle.StepPassedAsync(ct);
        }
        if (result.Succeeded)
        {
            // Not when a second factor is still due: knowing the password must not buy fresh guesses at the code.
            await throttle.SucceededAsync(email, ClientAddresses.Of(http), ct);
            // An account without a second factor yet (it reaches enrolment only): Identity's own session, with when.
            await signIn.SignInWithClaimsAsync(user!, isPersistent: false, SignInMethods.SignedIn(["pwd"], clock));
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
        if (await ThrottledAsync(user.Email, "sign-in.authenticator", http, secondFactor: true, await devices.IsKnownAsync(user, http, ct), ct))
        {
            return SignInResult.Failed;
        }
        // Only a confirmed app counts (an account with passkeys alone has none).
        var result = user.AuthenticatorConfirmedAt is null
            ? SignInResult.Failed
            : await signIn.TwoFactorAuthenticatorSignInAsync(Normalize(code), isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            await throttle.SucceededAsync(user.Email, ClientAddresses.Of(http), ct);
            await RecordMethodsAsync(user, "otp");
            await devices.SignedInAsync(user, http, notify: true, ct);
        }
        else
        {
            await WarnOfWrongCodesAsync(user, ct);
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
        if (await ThrottledAsync(user.Email, "sign-in.recovery-code", http, secondFactor: true, await devices.IsKnownAsync(user, http, ct), ct))
        {
            return SignInResult.Failed;
        }
        var result = await signIn.TwoFactorRecoveryCodeSignInAsync((code ?? "").Replace(" ", "", StringComparison.Ordinal).Trim());
        if (result.Succeeded)
        {
            await throttle.SucceededAsync(user.Email, ClientAddresses.Of(http), ct);
            await RecordMethodsAsync(user);
            await devices.SignedInAsync(user, http, notify: true, ct);
            db.AddSecurityNotice(user, "Recovery code used", $"{await users.CountRecoveryCodesAsync(user)} recovery codes are left; make new ones in your account if few are.", clock);
            await db.SaveChangesAsync(ct);
        }
        else
        {
            await WarnOfWrongCodesAsync(user, ct);
        }
        await AuditAsync("sign-in.recovery-code", result, user, user.Email, http, ct);
        return result;
    }

    /// <summary>
    /// Identity's sign-in marks a two-factor sign-in with amr "mfa" only; the session (and so the
    /// tokens) also says which factors, in RFC 8176's words: the password, and "otp" for the
    /// authenticator app (a recovery code is neither a device nor a key, and is left unnamed).
    /// </summary>
    private Task RecordMethodsAsync(PocUser user, params string[] second) =>
        signIn.SignInWithClaimsAsync(user, isPersistent: false,
            SignInMethods.SignedIn(["pwd", .. second, MultiFactorTokens.MultiFactor], clock));

    /// <summary>The second factor's free attempts are used up: whoever it is knows the password, and the person hears of it once.</summary>
    private async Task WarnOfWrongCodesAsync(PocUser user, CancellationToken ct)
    {
        if (!throttle.SecondFactorExhausted)
        {
            return;
        }
        db.AddSecurityNotice(user, "Wrong codes after your password",
            $"Someone gave your password and then {SignInThrottle.SecondFactor.FreeAttempts} wrong codes. If it was not you, change your password now: whoever it was knows it.", clock);
        await db.SaveChangesAsync(ct);
    }

    private async Task<bool> ThrottledAsync(string? email, string action, HttpContext http, bool secondFactor, bool knownDevice, CancellationToken ct)
    {
        RetryAfter = await throttle.TryAttemptAsync(new SignInThrottle.Attempt(email, ClientAddresses.Of(http), knownDevice, secondFactor), ct);
        if (RetryAfter is null)
        {
            return false;
        }
        Count(action, "held-back");
        db.AddAuditRecord(ResourceNames.Identity, action, AuditOutcomes.Failure, http, actor: "anonymous",
            target: email is { Length: > 256 } ? email[..256] : email, detail: "too many attempts: held back");
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
            { IsNotAllowed: true } => "account not allowed (disabled)",
            _ => user is null ? "unknown account" : "wrong credential",
        };
        Count(action, detail switch
        {
            "signed in" => "signed-in",
            "second factor required" => "second-factor",
            "account not allowed (disabled)" => "not-allowed",
            _ => detail.Replace(' ', '-'),
        });
        db.AddAuditRecord(ResourceNames.Identity, action, outcome, http, actor: user?.Id ?? "anonymous", target: target, state: user?.State, detail: detail);
        await db.SaveChangesAsync(ct);
    }

    private static string Normalize(string? code) => (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
}
