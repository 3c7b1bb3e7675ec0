using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Pages.Account;

/// <summary>
/// Enrolment of the authenticator app (TOTP, RFC 6238): the only page an account without a second
/// factor reaches. Confirming a code switches two-factor sign-in on for good and shows ten recovery codes once.
/// </summary>
[Authorize(Policy = AccountPolicies.SignedIn)]
public sealed class EnrolModel(
    UserManager<PocUser> users, SignInManager<PocUser> signIn, KnownDevices devices, Passkeys passkeys, PocIdentityDbContext db,
    IConfiguration configuration, TimeProvider clock) : PageModel
{
    public const int RecoveryCodeCount = 10;

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? CredentialJson { get; set; }

    /// <summary>What was set up, in words.</summary>
    public string Method { get; private set; } = "authenticator app";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public string FormattedKey { get; private set; } = "";

    public string QrCodeDataUri { get; private set; } = "";

    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public string ContinueUrl { get; private set; } = "/account/manage";

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return await SignInAgainAsync();
        }
        if (user.TwoFactorEnabled)
        {
            return User.HasClaim("amr", MultiFactorTokens.MultiFactor)
                ? LocalRedirect(AccountPages.SafeReturnUrl(ReturnUrl))
                // Enrolled already: a second factor is proven at sign-in, not replaced from a password-only session.
                : await SignInAgainAsync();
        }
        await ShowKeyAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User);
        if (user is null || user.TwoFactorEnabled)
        {
            return await SignInAgainAsync();
        }
        if (!await AuthenticatorKeys.VerifyAsync(users, user, Code))
        {
            Error = "That code is not right. Check the time on your phone and enter the code the app shows now.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await ShowKeyAsync(user);
            return Page();
        }
        user.AuthenticatorConfirmedAt = clock.GetUtcNow();
        return await CompleteAsync(user, "authenticator app", ["pwd", "otp", MultiFactorTokens.MultiFactor], ct);
    }

    /// <summary>The passkey's options for the browser (JSON), for this account.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync()
    {
        var user = await users.GetUserAsync(User);
        return user is null || user.TwoFactorEnabled ? BadRequest() : Content(await passkeys.CreationOptionsAsync(user), "application/json");
    }

    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User);
        if (user is null || user.TwoFactorEnabled)
        {
            return await SignInAgainAsync();
        }
        if (await passkeys.AddAsync(user, CredentialJson, HttpContext, ct) is { } problem)
        {
            Error = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await ShowKeyAsync(user);
            return Page();
        }
        // The app's key shown beside the passkey was never confirmed: replaced by one nobody has seen.
        await users.ResetAuthenticatorKeyAsync(user);
        return await CompleteAsync(user, "passkey", ["pwd", .. Passkeys.Methods], ct);
    }

    /// <summary>Two-factor sign-in on for good, ten recovery codes shown once, and this session now counts as two factors.</summary>
    private async Task<IActionResult> CompleteAsync(PocUser user, string method, string[] methods, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        db.AddAuditRecord(ResourceNames.Identity, "mfa.enrolled", AuditOutcomes.Success, HttpContext, actor: user.Id, state: user.State, detail: method);
        db.AddSecurityNotice(user, $"Second factor set up: {method}", $"Your account is now protected by a {method}; ten recovery codes were issued.", clock);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, SignInMethods.Extended(User, methods, clock));
        // The browser the account was set up in is its first known one: no "new browser" e-mail for it.
        await devices.SignedInAsync(user, HttpContext, notify: false, ct);
        Method = method;
        ContinueUrl = !string.IsNullOrEmpty(ReturnUrl)
            ? AccountPages.SafeReturnUrl(ReturnUrl)
            : AccountPages.WebUrl(configuration) is { } web ? web + "/signin" : "/account/manage";
        return Page();
    }

    private async Task<IActionResult> SignInAgainAsync()
    {
        await signIn.SignOutAsync();
        return RedirectToPage("/Account/SignIn", new { ReturnUrl });
    }

    private async Task ShowKeyAsync(PocUser user)
    {
        var key = await AuthenticatorKeys.ShowAsync(users, user);
        FormattedKey = key.Formatted;
        QrCodeDataUri = key.QrCodeDataUri;
    }
}
