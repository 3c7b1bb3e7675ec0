using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PocDirectory.Identity.Pages.Account;

[AllowAnonymous]
public sealed class SignedOutModel(IConfiguration configuration) : PageModel
{
    public string? WebUrl { get; } = configuration[$"services:{ResourceNames.Web}:http:0"];
}
