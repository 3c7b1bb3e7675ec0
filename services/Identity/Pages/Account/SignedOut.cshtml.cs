using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PocDirectory.Identity.Accounts;

namespace PocDirectory.Identity.Pages.Account;

[AllowAnonymous]
public sealed class SignedOutModel(IConfiguration configuration) : PageModel
{
    public string? WebUrl { get; } = AccountPages.WebUrl(configuration);
}
