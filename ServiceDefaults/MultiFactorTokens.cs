using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// No way around the second factor: a token that speaks for a person is accepted only when it says
/// (<c>amr</c> holding <c>mfa</c>) that the person signed in with two factors. A machine client's
/// token speaks for the client itself (its subject is its client id) and has no person behind it.
/// </summary>
public static class MultiFactorTokens
{
    public const string MultiFactor = "mfa";

    public static bool IsAcceptable(ClaimsPrincipal principal)
    {
        var subject = principal.GetClaim(OpenIddictConstants.Claims.Subject);
        if (subject is null)
        {
            return false;
        }
        var client = principal.GetClaim(OpenIddictConstants.Claims.ClientId)
            ?? principal.GetClaim(OpenIddictConstants.Claims.AuthorizedParty);
        if (string.Equals(subject, client, StringComparison.Ordinal))
        {
            return true;
        }
        return principal.HasClaim(OpenIddictConstants.Claims.AuthenticationMethodReference, MultiFactor);
    }

    /// <summary>Runs after the token itself was validated (signature, issuer, lifetime, audience).</summary>
    public sealed class RejectSingleFactorPersonTokens : IOpenIddictValidationHandler<ProcessAuthenticationContext>
    {
        public ValueTask HandleAsync(ProcessAuthenticationContext context)
        {
            if (context.AccessTokenPrincipal is { } principal && !IsAcceptable(principal))
            {
                context.Reject(OpenIddictConstants.Errors.InvalidToken, "The token does not come from a sign-in with two factors.");
            }
            return ValueTask.CompletedTask;
        }
    }
}
