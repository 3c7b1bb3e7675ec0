using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenIddict.Validation.AspNetCore;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Every service checks access tokens itself, against Identity's discovery document reached through
/// the gateway (the tokens' issuer): signature, issuer, lifetime and audience. Deny by default:
/// an endpoint answers anonymously only when it says <c>AllowAnonymous</c>.
/// </summary>
public static class AuthenticationExtensions
{
    public const string IssuerKey = "Authentication:Issuer";

    /// <summary>How often a service reads Identity's published keys again.</summary>
    public static readonly TimeSpan KeysRefreshInterval = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Validates tokens addressed to one of <paramref name="audiences"/> (none: any audience of this
    /// issuer, as the gateway does).
    /// </summary>
    public static TBuilder AddTokenValidation<TBuilder>(this TBuilder builder, params string[] audiences)
        where TBuilder : IHostApplicationBuilder
    {
        var issuer = Issuer(builder.Configuration);
        builder.Services.AddOpenIddict().AddValidation(validation =>
        {
            validation.SetIssuer(issuer);
            if (audiences.Length > 0)
            {
                validation.AddAudiences(audiences);
            }
            validation.UseSystemNetHttp();
            validation.UseHeaderTokensDenyingByDefault();
        });
        // Identity's published keys read again every 5 minutes (the shortest the library allows) rather than 12 hours:
        // a new signing key is published 10 minutes before it signs, so no token is ever refused for an unknown key.
        builder.Services.PostConfigure<OpenIddict.Validation.OpenIddictValidationOptions>(options =>
        {
            if (options.ConfigurationManager is Microsoft.IdentityModel.Protocols.ConfigurationManager<OpenIddict.Abstractions.OpenIddictConfiguration> manager)
            {
                manager.AutomaticRefreshInterval = KeysRefreshInterval;
            }
        });
        // A token already validated here is not validated again while it lives (revocation still is).
        builder.Services.AddSingleton<ValidatedTokenCache>();
        builder.Services.AddAuthentication(CachedTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, CachedTokenHandler>(CachedTokenHandler.SchemeName, null);
        // OpenIddict's validation is prepared by CachedTokenHandler when a request needs it, not on every request.
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthenticationSchemeProvider, ValidationOnDemand>());
        return builder;
    }

    /// <summary>
    /// What every token check shares, whether it reads the keys from the discovery document or, in
    /// Identity, from its own server: tokens from the Authorization header only (reading a form body
    /// for a token would consume the body the gateway must forward, and tokens in URLs end up in
    /// logs), revoked subjects and single-factor person tokens refused, and every endpoint not marked anonymous refused without one.
    /// </summary>
    public static OpenIddictValidationBuilder UseHeaderTokensDenyingByDefault(this OpenIddictValidationBuilder validation)
    {
        validation.AddRevocationList();
        validation.AddEventHandler<OpenIddict.Validation.OpenIddictValidationEvents.ProcessAuthenticationContext>(handler => handler
            .UseSingletonHandler<MultiFactorTokens.RejectSingleFactorPersonTokens>()
            .SetOrder(OpenIddict.Validation.OpenIddictValidationHandlers.ValidateAccessToken.Descriptor.Order + 1_001));
        validation.UseAspNetCore()
            .DisableAccessTokenExtractionFromBodyForm()
            .DisableAccessTokenExtractionFromQueryString();
        validation.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        validation.Services.AddAuthorization(options => options.FallbackPolicy =
            new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return validation;
    }

    /// <summary>Refuses tokens of revoked subjects (see <see cref="RevocationList"/>), after the token itself was validated.</summary>
    public static OpenIddictValidationBuilder AddRevocationList(this OpenIddictValidationBuilder validation)
    {
        validation.Services.TryAddSingleton(TimeProvider.System);
        validation.Services.TryAddSingleton<RevocationList>();
        validation.Services.AddHostedService(services => services.GetRequiredService<RevocationList>());
        // Not ready before the list is read: a load balancer (and Aspire's WaitFor) sends nothing until then.
        validation.Services.AddHealthChecks().AddCheck<RevocationList.Readiness>("revocation-list");
        return validation.AddEventHandler<OpenIddict.Validation.OpenIddictValidationEvents.ProcessAuthenticationContext>(handler => handler
            .UseSingletonHandler<RevocationList.RejectRevokedTokens>()
            .SetOrder(OpenIddict.Validation.OpenIddictValidationHandlers.ValidateAccessToken.Descriptor.Order + 1_000));
    }

    /// <summary>
    /// The tokens' issuer: <c>Authentication:Issuer</c>, else the gateway's address
    /// (<c>services__gateway__http__0</c>), the one public origin.
    /// </summary>
    /// <summary>Where people reach the Web when that is not the address services reach it at (a cluster's https name).</summary>
    public const string WebPublicOriginKey = "Web:PublicOrigin";

    /// <summary>
    /// The Web's address as people open it (its pages: sign-in landing, a nominee's confirmation, the
    /// sign-in redirect): <c>Web:PublicOrigin</c>, else the Web's service address, or null when neither is set.
    /// </summary>
    public static string? WebUrl(IConfiguration configuration) =>
        configuration[WebPublicOriginKey] is { Length: > 0 } origin ? origin.TrimEnd('/')
        : configuration[$"services:{PocDirectory.ResourceNames.Web}:http:0"] is { Length: > 0 } web ? web.TrimEnd('/') : null;

    public static Uri Issuer(IConfiguration configuration)
    {
        var value = configuration[IssuerKey] ?? configuration[$"services:{PocDirectory.ResourceNames.Gateway}:http:0"]
            ?? throw new InvalidOperationException(
                $"Set {IssuerKey} or services__{PocDirectory.ResourceNames.Gateway}__http__0: access tokens cannot be checked without their issuer.");
        return new Uri(value.TrimEnd('/') + "/");
    }
}
