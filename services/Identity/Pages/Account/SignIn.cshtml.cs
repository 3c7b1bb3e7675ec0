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
public sealed class SignInModel(SignInSteps steps) : SignInStepPage
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
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
