using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// The authorization and end-session endpoints. OpenIddict has already checked the client, its
/// redirect address, PKCE and the scopes; this decides who signs in: a person signed in to Identity
/// with two factors. Anyone else goes to the sign-in page, and an account without a second factor
/// to enrolment, the only page it reaches.
/// </summary>
public static class AuthorizationApi
{
    public static void MapAuthorizationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).AllowAnonymous().ExcludeFromDescription();
        routes.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], EndSessionAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> AuthorizeAsync(
        HttpContext http, UserManager<PocUser> users, SignInManager<PocUser> signIn, IOpenIddictScopeManager scopes, PocIdentityDbContext db, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var parameters = (http.Request.HasFormContentType
                ? http.Request.Form.Select(f => KeyValuePair.Create(f.Key, (StringValues)f.Value))
                : http.Request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value)))
            .ToList();
        var here = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);
        // After the sign-in that prompt=login asked for, the request comes back without it (else it would ask forever).
        var hereWithoutPrompt = http.Request.PathBase + http.Request.Path
            + QueryString.Create(parameters.Where(p => p.Key != Parameters.Prompt));

        var cookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = cookie.Succeeded ? await users.GetUserAsync(cookie.Principal) : null;
        var signedInAt = SessionRules.SignedInAt(cookie.Principal);
        if (user is null || signedInAt is null || !await signIn.CanSignInAsync(user) || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The person is not signed in.");
            }
            if (request.HasPromptValue(PromptValues.Login) && user is not null)
            {
                await signIn.SignOutAsync();
            }
            return Results.Challenge(new AuthenticationProperties { RedirectUri = hereWithoutPrompt }, [IdentityConstants.ApplicationScheme]);
        }
        var methods = PersonPrincipal.MethodsOf(cookie.Principal!);
        if (!methods.Contains(MultiFactorTokens.MultiFactor))
        {
            // Signed in with a password only: nothing but enrolment until a second factor exists.
            return Results.Redirect("/account/enrol?returnUrl=" + Uri.EscapeDataString(here));
        }

        var principal = await PersonPrincipal.CreateAsync(user, users, methods, signedInAt.Value, request.GetScopes(), [], scopes, ct);
        db.AddAuditRecord(ResourceNames.Identity, "sign-in.authorized", AuditOutcomes.Success, http,
            actor: user.Id, state: user.State, target: request.ClientId, detail: string.Join(' ', methods));
        await db.SaveChangesAsync(ct);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> EndSessionAsync(HttpContext http, SignInManager<PocUser> signIn)
    {
        await signIn.SignOutAsync();
        // Back to the client's post-logout address, which OpenIddict has checked against its registration.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/account/signed-out" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    public static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
