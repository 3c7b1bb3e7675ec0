using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using PocDirectory.Identity.Accounts;

namespace PocDirectory.Identity.Pages.Account;

/// <summary>The second step with a recovery code instead of the authenticator: the code is spent.</summary>
[AllowAnonymous]
public sealed class RecoveryModel(SignInSteps steps) : SecondStepPage(steps)
{
    protected override Task<SignInResult?> TryAsync(SignInSteps steps, string? code, CancellationToken ct) =>
        steps.RecoveryCodeAsync(code, HttpContext, ct);
}
