using PocDirectory.BuildingBlocks.Validation;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PocDirectory.Identity.Accounts;

namespace PocDirectory.Identity.Pages.Account;

/// <summary>The e-mailed link: the invited person chooses a password, then goes on to enrol a second factor.</summary>
[AllowAnonymous]
public sealed class InvitationModel(Invitations invitations, SignInManager<PocUser> signIn, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Confirm { get; set; }

    public Invitation? Invitation { get; private set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Invitation = await invitations.FindOpenAsync(Token, ct);
        if (Invitation is null)
        {
            Response.StatusCode = StatusCodes.Status410Gone;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Invitation = await invitations.FindOpenAsync(Token, ct);
        if (Invitation is null)
        {
            Response.StatusCode = StatusCodes.Status410Gone;
            return Page();
        }
        if (!string.Equals(Password, Confirm, StringComparison.Ordinal))
        {
            Errors = new Dictionary<string, string[]> { ["confirm"] = ["The two passwords are not the same."] };
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        try
        {
            var user = await invitations.AcceptAsync(Token, Password ?? "", HttpContext, ct);
            // Signed in with a password only: the account reaches enrolment and nothing else.
            await signIn.SignInWithClaimsAsync(user, isPersistent: false, SignInMethods.SignedIn(["pwd"], clock));
            return RedirectToPage("/Account/Enrol");
        }
        catch (FieldErrorsException ex)
        {
            Errors = ex.Errors;
            Invitation = await invitations.FindOpenAsync(Token, ct);
            Response.StatusCode = Invitation is null ? StatusCodes.Status410Gone : StatusCodes.Status400BadRequest;
            return Page();
        }
    }
}
