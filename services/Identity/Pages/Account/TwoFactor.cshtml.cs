using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using PocDirectory.Identity.Accounts;

namespace PocDirectory.Identity.Pages.Account;

/// <summary>The second step: a code from the authenticator app. Failures count towards the lockout.</summary>
[AllowAnonymous]
public sealed class TwoFactorModel(SignInSteps steps) : SecondStepPage(steps)
{
    protected override Task<SignInResult?> TryAsync(SignInSteps steps, string? code, CancellationToken ct) =>
        steps.AuthenticatorAsync(code, HttpContext, ct);
}
