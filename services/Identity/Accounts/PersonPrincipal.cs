using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// What a person's tokens say: who (sub, name, email), what they may do (roles, State), how they
/// signed in (amr) and when (auth_time), and for which APIs (scopes → audiences). Built afresh from the account at every
/// code exchange and refresh, so a role removed or an account disabled is seen at the next refresh.
/// </summary>
public static class PersonPrincipal
{
    public static async Task<ClaimsPrincipal> CreateAsync(
        PocUser user, UserManager<PocUser> users, IEnumerable<string> amr, DateTimeOffset signedInAt, IEnumerable<string> scopes,
        IEnumerable<string> requestedScopes, IOpenIddictScopeManager scopeManager, CancellationToken ct)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id);
        identity.SetClaim(Claims.Name, user.DisplayName);
        identity.SetClaim(Claims.Email, user.Email);
        // Only the roles the person acts with: an old account holding operations and a State-bound role gets operations only.
        identity.SetClaims(Claims.Role, [.. Roles.Effective(await users.GetRolesAsync(user)).Order(StringComparer.Ordinal)]);
        if (user.State is not null)
        {
            identity.SetClaim(ApiScopes.StateClaim, user.State);
        }
        identity.SetClaims(Claims.AuthenticationMethodReference, [.. amr.Distinct(StringComparer.Ordinal)]);
        // When the person signed in: kept through every refresh, so that the tokens end with the session (SessionRules).
        identity.AddClaim(SessionRules.SignedInClaim(signedInAt));
        identity.SetScopes(scopes);
        // The scopes stay whole (the refresh token keeps them all); the access token's audiences are the ones asked for.
        var resources = new List<string>();
        await foreach (var resource in scopeManager.ListResourcesAsync([.. ApiScopes.AddressedTo(identity.GetScopes(), requestedScopes)], ct))
        {
            resources.Add(resource);
        }
        identity.SetResources(resources);
        identity.SetDestinations(claim => claim.Type switch
        {
            // Everything a service decides on goes into the access token; the Web reads the same from the ID token.
            Claims.Name or Claims.Email or Claims.Role or ApiScopes.StateClaim or Claims.AuthenticationMethodReference or Claims.AuthenticationTime
                => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }

    /// <summary>How the person signed in, from the sign-in cookie's claims, in RFC 8176's words.</summary>
    public static IReadOnlyList<string> MethodsOf(ClaimsPrincipal cookie) =>
        cookie.FindAll(Claims.AuthenticationMethodReference).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
}
