using Microsoft.AspNetCore.Identity;

namespace PocDirectory.Identity.Accounts;

/// <summary>A person's account. Its roles are ASP.NET Core Identity roles; the State-bound ones act for <see cref="State"/>.</summary>
public sealed class PocUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-3 of the State the person acts for, when a role needs one.</summary>
    public string? State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When an authenticator app was confirmed (a code it showed was entered), or null.</summary>
    public DateTimeOffset? AuthenticatorConfirmedAt { get; set; }

    /// <summary>Set by the directory manager: the account can no longer sign in and its tokens stop working.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
}
