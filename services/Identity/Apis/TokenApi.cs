using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Tokens;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PocDirectory.Identity.Apis;

/// <summary>
/// The token endpoint's decisions. OpenIddict has already authenticated the client and checked that
/// it may use the grant and every requested scope; this adds who the token speaks for.
/// </summary>
public static class TokenApi
{
    public static void MapTokenApi(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/connect/token", ExchangeAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> ExchangeAsync(
        HttpContext http, IOpenIddictApplicationManager applications, IOpenIddictScopeManager scopes, PocIdentityDbContext db,
        UserManager<PocUser> users, SignInManager<PocUser> signIn, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            return await PersonExchangeAsync(http, request, users, signIn, scopes, http.RequestServices.GetRequiredService<SessionRules>(), db, ct);
        }
        if (!request.IsClientCredentialsGrantType())
        {
            return AuthorizationApi.Forbid(Errors.UnsupportedGrantType, "This grant type is not accepted.");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, ct);
        if (application is null)
        {
            return AuthorizationApi.Forbid(Errors.InvalidClient, "The client is not known.");
        }
        var properties = await applications.GetPropertiesAsync(application, ct);
        if (!properties.TryGetValue(MachineClients.StateProperty, out var state) || state.ValueKind != JsonValueKind.String)
        {
            // Every machine client is bound to one State; one without is refused rather than trusted with all.
            return AuthorizationApi.Forbid(Errors.InvalidClient, "The client is not bound to a State.");
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId);
        identity.SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, ct));
        identity.SetClaim(ApiScopes.StateClaim, state.GetString());
        identity.SetScopes(request.GetScopes());
        var resources = new List<string>();
        await foreach (var resource in scopes.ListResourcesAsync(identity.GetScopes(), ct))
        {
            resources.Add(resource);
        }
        identity.SetResources(resources);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        db.AddAuditRecord(ResourceNames.Identity, "token.issued", AuditOutcomes.Success, http,
            actor: request.ClientId, state: state.GetString(), detail: string.Join(' ', identity.GetScopes()));
        await db.SaveChangesAsync(ct);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// A code or refresh token the Web presents for a person. OpenIddict has validated it (and, for a
    /// refresh token, that it was not used before: they rotate); the account must still be allowed to
    /// sign in, and the new tokens say what the account holds now, with the sign-in's methods.
    /// </summary>
    private static async Task<IResult> PersonExchangeAsync(
        HttpContext http, OpenIddictRequest request, UserManager<PocUser> users, SignInManager<PocUser> signIn,
        IOpenIddictScopeManager scopes, SessionRules sessions, PocIdentityDbContext db, CancellationToken ct)
    {
        var granted = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal
            ?? throw new InvalidOperationException("The code or refresh token was not authenticated.");
        var user = await users.FindByIdAsync(granted.GetClaim(Claims.Subject) ?? "");
        if (user is null || !await signIn.CanSignInAsync(user))
        {
            return AuthorizationApi.Forbid(Errors.InvalidGrant, "The account can no longer sign in.");
        }
        if (sessions.HasEnded(granted))
        {
            // However often it was refreshed, a session lasts no longer than its absolute lifetime from the sign-in.
            db.AddAuditRecord(ResourceNames.Identity, "token.refused", AuditOutcomes.Failure, http,
                actor: user.Id, state: user.State, target: request.ClientId, detail: "session at its absolute lifetime");
            await db.SaveChangesAsync(ct);
            return AuthorizationApi.Forbid(Errors.InvalidGrant, "The session has reached its longest lifetime: sign in again.");
        }
        var methods = granted.GetClaims(Claims.AuthenticationMethodReference);
        var principal = await PersonPrincipal.CreateAsync(
            user, users, methods, SessionRules.SignedInAt(granted)!.Value, granted.GetScopes(), request.GetScopes(), scopes, ct);
        if (request.IsAuthorizationCodeGrantType())
        {
            db.AddAuditRecord(ResourceNames.Identity, "sign-in", AuditOutcomes.Success, http,
                actor: user.Id, state: user.State, target: request.ClientId, detail: string.Join(' ', methods));
            await db.SaveChangesAsync(ct);
        }
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
