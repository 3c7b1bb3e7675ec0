using System.Globalization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PocDirectory.Identity.Accounts;

namespace PocDirectory.Identity.Pages.Account;

/// <summary>What the sign-in steps' pages share: one refusal message, and a 429 with Retry-After when the account's attempts are used up.</summary>
public abstract class SignInStepPage : PageModel
{
    public string? Error { get; private set; }

    protected PageResult Refused(SignInSteps steps, string message)
    {
        if (steps.RetryAfter is { } wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            Error = SignInSteps.Throttled;
            return Page();
        }
        Error = message;
        return Page();
    }
}
