using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PocDirectory.Identity.Accounts;

namespace PocDirectory.Identity.Pages.Account;

/// <summary>What the sign-in steps' pages share: one refusal message, and a 429 with Retry-After when attempts must wait.</summary>
public abstract class SignInStepPage : PageModel
{
    public string? Error { get; private set; }

    protected PageResult Refused(SignInSteps steps, string message)
    {
        if (steps.RetryAfter is { } wait)
        {
            Error = SignInSteps.HeldBack(Response, wait);
            return Page();
        }
        Error = message;
        return Page();
    }
}

/// <summary>
/// A second step after the password (a code from the app, or a recovery code): reached only while a
/// password step is pending, back to the sign-in page when it has expired.
/// </summary>
public abstract class SecondStepPage(SignInSteps steps) : SignInStepPage
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Null when no password step is pending.</summary>
    protected abstract Task<SignInResult?> TryAsync(SignInSteps steps, string? code, CancellationToken ct);

    public async Task<IActionResult> OnGetAsync() =>
        await steps.PendingUserAsync() is null ? RedirectToPage("/Account/SignIn", new { ReturnUrl }) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await TryAsync(steps, Code, ct);
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
