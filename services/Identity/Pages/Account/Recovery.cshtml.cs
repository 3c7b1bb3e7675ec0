using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PocDirectory.Identity.Accounts;

namespace PocDirectory.Identity.Pages.Account;

/// <summary>The second step with a recovery code instead of the authenticator: the code is spent.</summary>
[AllowAnonymous]
public sealed class RecoveryModel(SignInSteps steps) : SignInStepPage
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await steps.PendingUserAsync() is null ? RedirectToPage("/Account/SignIn", new { ReturnUrl }) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await steps.RecoveryCodeAsync(Code, HttpContext, ct);
        if (result is null)
        {
            return RedirectToPage("/Account/SignIn", new { ReturnUrl });
        }
        if (result.Succeeded)
        {
            return LocalRedirect(AccountPages.SafeReturnUrl(ReturnUrl));
        }
        return Refused(steps, SignInSteps.CodeRefused);
    }
}
