using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
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
        HttpContext http, IOpenIddictApplicationManager applications, IOpenIddictScopeManager scopes, PocIdentityDbContext db, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        if (!request.IsClientCredentialsGrantType())
        {
            return Forbid(Errors.UnsupportedGrantType, "Only the client credentials grant is accepted here.");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, ct);
        if (application is null)
        {
            return Forbid(Errors.InvalidClient, "The client is not known.");
        }
        var properties = await applications.GetPropertiesAsync(application, ct);
        if (!properties.TryGetValue(MachineClients.StateProperty, out var state) || state.ValueKind != JsonValueKind.String)
        {
            // Every machine client is bound to one State; one without is refused rather than trusted with all.
            return Forbid(Errors.InvalidClient, "The client is not bound to a State.");
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

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
