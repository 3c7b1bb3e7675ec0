using Microsoft.AspNetCore.Identity;

namespace PocDirectory.Identity.Accounts;

public static class AccountPages
{
    public static async Task SeedRolesAsync(this IHost app, CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }

    /// <summary>The Web's address (<c>services__web__http__0</c>), without a trailing slash, or null when none is configured.</summary>
    public static string? WebUrl(IConfiguration configuration) => AuthenticationExtensions.WebUrl(configuration);

    /// <summary>Where a page goes next: a local address only, else the account page.</summary>
    public static string SafeReturnUrl(string? returnUrl) => LocalPaths.IsLocal(returnUrl) ? returnUrl! : "/account/manage";
}
