using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Pages.Account;

/// <summary>My account: what the account holds, new recovery codes, and sign out everywhere.</summary>
[Authorize(Policy = AccountPolicies.SignedInWithTwoFactors)]
public sealed class ManageModel(
    UserManager<PocUser> users, SignInManager<PocUser> signIn, AccountSessions sessions, AccountSessionList sessionList, Passkeys passkeys,
    SignInThrottle throttle, KnownDevices devices, SessionRules sessionRules, PocIdentityDbContext db,
    IConfiguration configuration, TimeProvider clock) : PageModel
{
    /// <summary>Signed in recently enough to change how the account signs in (<see cref="SessionRules.FreshFor"/>).</summary>
    public bool Fresh => sessionRules.IsFresh(User);

    public int FreshMinutes => (int)sessionRules.FreshFor.TotalMinutes;

    public string SignInAgainFirst =>
        $"To change how you sign in, first confirm it is you: sign in again. You signed in more than {FreshMinutes} minutes ago.";

    public PocUser Account { get; private set; } = null!;

    public IList<string> RoleNames { get; private set; } = [];

    public int RecoveryCodesLeft { get; private set; }

    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    public string? Message { get; private set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? Error { get; private set; }

    public IList<UserPasskeyInfo> PasskeyList { get; private set; } = [];

    [BindProperty]
    public string? CredentialJson { get; set; }

    [BindProperty]
    public string? CredentialId { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public IReadOnlyList<WebSession> WebSessions { get; private set; } = [];

    public IReadOnlyList<KnownBrowser> Browsers { get; private set; } = [];

    [BindProperty]
    public string? SessionId { get; set; }

    /// <summary>A new authenticator key being set up (shown until a code confirms it).</summary>
    public AuthenticatorKey? NewKey { get; private set; }

    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? Confirm { get; set; }

    public string? WebUrl { get; } = AccountPages.WebUrl(configuration);

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Challenge();

    public async Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken ct)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (RefuseUnlessFresh() is { } refused)
        {
            return refused;
        }
        NewRecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(Account, EnrolModel.RecoveryCodeCount) ?? []];
        db.AddAuditRecord(ResourceNames.Identity, "mfa.recovery-codes-renewed", AuditOutcomes.Success, HttpContext, state: Account.State);
        db.AddSecurityNotice(Account, "New recovery codes", "New recovery codes were made; the earlier ones no longer work.", clock);
        await db.SaveChangesAsync(ct);
        RecoveryCodesLeft = await users.CountRecoveryCodesAsync(Account);
        return Page();
    }

    public async Task<IActionResult> OnPostPasskeyOptionsAsync()
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        return Fresh
            ? Content(await passkeys.CreationOptionsAsync(Account), "application/json")
            : new ObjectResult(new Microsoft.AspNetCore.Mvc.ProblemDetails { Title = "Sign in again first", Detail = SignInAgainFirst, Status = StatusCodes.Status403Forbidden })
            {
                StatusCode = StatusCodes.Status403Forbidden,
                ContentTypes = { "application/problem+json" },
            };
    }

    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (RefuseUnlessFresh() is { } refused)
        {
            return refused;
        }
        Error = await passkeys.AddAsync(Account, CredentialJson, HttpContext, ct);
        Message = Error is null ? "Passkey added." : null;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRemovePasskeyAsync(CancellationToken ct)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (RefuseUnlessFresh() is { } refused)
        {
            return refused;
        }
        byte[] id;
        try
        {
            id = System.Buffers.Text.Base64Url.DecodeFromChars(CredentialId ?? "");
        }
        catch (FormatException)
        {
            id = [];
        }
        Error = await passkeys.RemoveAsync(Account, id, HttpContext, ct);
        Message = Error is null ? "Passkey removed." : null;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAuthenticatorSetupAsync()
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (RefuseUnlessFresh() is { } refused)
        {
            return refused;
        }
        if (Account.AuthenticatorConfirmedAt is null)
        {
            NewKey = await AuthenticatorKeys.ShowAsync(users, Account, fresh: true);
            // A new key renews the account's security stamp, which would end this very session at its
            // next check (within a minute, while the person is scanning the code): renew it too, keeping
            // how the person signed in. The account's other sessions still end.
            var current = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            var renewed = await signIn.CreateUserPrincipalAsync(Account);
            SignInMethods.Carry(current.Principal, renewed);
            await HttpContext.SignInAsync(IdentityConstants.ApplicationScheme, renewed, current.Properties);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAuthenticatorConfirmAsync(CancellationToken ct)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (RefuseUnlessFresh() is { } refused)
        {
            return refused;
        }
        if (Account.AuthenticatorConfirmedAt is not null)
        {
            return Page();
        }
        if (!await AuthenticatorKeys.VerifyAsync(users, Account, Code))
        {
            Error = "That code is not right. Check the time on your phone and enter the code the app shows now.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            NewKey = await AuthenticatorKeys.ShowAsync(users, Account);
            return Page();
        }
        Account.AuthenticatorConfirmedAt = clock.GetUtcNow();
        await users.UpdateAsync(Account);
        db.AddAuditRecord(ResourceNames.Identity, "mfa.authenticator-added", AuditOutcomes.Success, HttpContext, state: Account.State);
        db.AddSecurityNotice(Account, "Authenticator app set up", "An authenticator app can now confirm your sign-ins.", clock);
        await db.SaveChangesAsync(ct);
        Message = "Your authenticator app is set up.";
        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (!string.Equals(NewPassword, Confirm, StringComparison.Ordinal))
        {
            Errors = new Dictionary<string, string[]> { ["confirm"] = ["The two new passwords are not the same."] };
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        // A guess at the current password here is held back as one at sign-in is, under the same counts.
        if (await throttle.TryAttemptAsync(
            new SignInThrottle.Attempt(Account.Email, ClientAddresses.Of(HttpContext), await devices.IsKnownAsync(Account, HttpContext, ct)), ct) is { } wait)
        {
            Errors = new Dictionary<string, string[]> { ["current"] = [SignInSteps.HeldBack(Response, wait)] };
            return Page();
        }
        var changed = await users.ChangePasswordAsync(Account, CurrentPassword ?? "", NewPassword ?? "");
        if (!changed.Succeeded)
        {
            Errors = changed.Errors.GroupBy(e => e.Code == "PasswordMismatch" ? "current" : "password")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Code == "PasswordMismatch" ? "This is not your current password." : e.Description).ToArray());
            if (!Errors.ContainsKey("current"))
            {
                await PassedAsync(ct); // the right password, a new one refused
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await PassedAsync(ct);
        db.AddSecurityNotice(Account, "Password changed", "The password of your account was changed. Every other session of it has ended.", clock);
        // Every other session ends: Identity's in other browsers, the Web's (refresh tokens revoked) and the access tokens issued.
        await sessions.EndAllAsync(Account, "account.password-changed", HttpContext, ct);
        // This session goes on under the new security stamp, with how and when it signed in.
        await signIn.SignInWithClaimsAsync(Account, isPersistent: false, SignInMethods.Of(User));
        Message = "Your password is changed. Every other session has ended: sign in to the Web again.";
        return Page();
    }

    /// <summary>
    /// Ends this session at Identity and asks for a new sign-in that comes back here: a fresh proof of
    /// who the person is, before a change to how the account signs in.
    /// </summary>
    public async Task<IActionResult> OnPostSignInAgainAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/account/sign-in?ReturnUrl=" + Uri.EscapeDataString("/account/manage"));
    }

    /// <summary>A change to how the account signs in is refused unless the session signed in within the last minutes.</summary>
    private IActionResult? RefuseUnlessFresh()
    {
        if (Fresh)
        {
            return null;
        }
        Error = SignInAgainFirst;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    /// <summary>The current password was right: not a failure, here or at sign-in.</summary>
    private Task PassedAsync(CancellationToken ct) => throttle.SucceededAsync(Account.Email, ClientAddresses.Of(HttpContext), ct);

    public async Task<IActionResult> OnPostEndSessionAsync(CancellationToken ct)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (await sessionList.EndAsync(Account, SessionId, ct))
        {
            db.AddAuditRecord(ResourceNames.Identity, "account.session-ended", AuditOutcomes.Success, HttpContext, state: Account.State, detail: SessionId);
            await db.SaveChangesAsync(ct);
            Message = "The session ends at its next refresh, within 10 minutes.";
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostSignOutEverywhereAsync(CancellationToken ct)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        await sessions.EndAllAsync(Account, "account.signed-out-everywhere", HttpContext, ct);
        await signIn.SignOutAsync();
        return RedirectToPage("/Account/SignedOut");
    }

    private async Task<bool> LoadAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return false;
        }
        Account = user;
        RoleNames = await users.GetRolesAsync(user);
        RecoveryCodesLeft = await users.CountRecoveryCodesAsync(user);
        PasskeyList = await users.GetPasskeysAsync(user);
        WebSessions = await sessionList.WebSessionsAsync(user, HttpContext.RequestAborted);
        Browsers = await sessionList.BrowsersAsync(user, HttpContext.RequestAborted);
        return true;
    }
}
