using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PocDirectory.Identity.Accounts;

namespace PocDirectory.Identity.Pages.Account;

/// <summary>
/// The first step: e-mail address and password. One answer for every failure (unknown address, wrong
/// password, locked, disabled), with a password check for unknown addresses too, so that neither the
/// words nor the time tell whether an account exists.
/// </summary>
[AllowAnonymous]
public sealed class SignInModel(SignInSteps steps, Passkeys passkeys) : SignInStepPage
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? CredentialJson { get; set; }

    public void OnGet()
    {
    }

    /// <summary>Options for the browser to find a passkey of this site (any account: the passkey names it).</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync() => Content(await passkeys.RequestOptionsAsync(), "application/json");

    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        if (await passkeys.SignInAsync(CredentialJson, HttpContext, ct) is not null)
        {
            return LocalRedirect(AccountPages.SafeReturnUrl(ReturnUrl));
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Refused(steps, "The passkey was not accepted. Try again, or sign in with your password.");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await steps.PasswordAsync(Email, Password, HttpContext, ct);
        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("/Account/TwoFactor", new { ReturnUrl });
        }
        if (result.Succeeded)
        {
            // No second factor yet: enrolment is the only way on (the next page enforces it).
            return LocalRedirect(AccountPages.SafeReturnUrl(ReturnUrl));
        }
        Password = null;
        return Refused(steps, SignInSteps.Refused);
    }
}
