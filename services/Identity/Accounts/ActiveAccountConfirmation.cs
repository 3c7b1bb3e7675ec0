using Microsoft.AspNetCore.Identity;

namespace PocDirectory.Identity.Accounts;

/// <summary>An account may sign in while it is confirmed (accepted from an invitation) and not disabled.</summary>
public sealed class ActiveAccountConfirmation : IUserConfirmation<PocUser>
{
    public Task<bool> IsConfirmedAsync(UserManager<PocUser> manager, PocUser user) =>
        Task.FromResult(user.EmailConfirmed && user.DisabledAt is null);
}
