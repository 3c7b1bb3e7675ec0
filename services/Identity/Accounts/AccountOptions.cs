using Microsoft.AspNetCore.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// The account rules, in one place for the service, its commands and the design-time model: Identity's
/// schema with passkeys; passwords of 12 characters or more (no character-class rules, see
/// <see cref="PasswordPolicy"/>); no lockout (growing delays instead, <see cref="SignInThrottle"/>); one account per address;
/// sign-in only for accepted, enabled accounts; claims named as in tokens.
/// </summary>
public static class AccountOptions
{
    public static void Apply(IdentityOptions options)
    {
        options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
        options.Password.RequiredLength = PasswordPolicy.MinimumLength;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequiredUniqueChars = 1;
        // No lockout: anyone could use one to keep a person out. Failures slow attempts down instead (SignInThrottle).
        options.Lockout.AllowedForNewUsers = false;
        options.User.RequireUniqueEmail = true;
        options.SignIn.RequireConfirmedAccount = true; // see ActiveAccountConfirmation: accepted and not disabled
        // The sign-in cookie names its claims as the tokens do, so the audit reads one way from both.
        options.ClaimsIdentity.UserIdClaimType = Claims.Subject;
        options.ClaimsIdentity.UserNameClaimType = Claims.Username;
        options.ClaimsIdentity.RoleClaimType = Claims.Role;
        options.ClaimsIdentity.EmailClaimType = Claims.Email;
    }
}
