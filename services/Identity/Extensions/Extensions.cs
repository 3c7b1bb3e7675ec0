using Microsoft.Extensions.Options;
using OpenIddict.Server;
using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Identity.Audit;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Tokens;
using PocDirectory.Identity.IntegrationEvents;

namespace PocDirectory.Identity.Extensions;

public static class Extensions
{
    /// <summary>Access tokens are short-lived: a revoked client or account loses access within this time at the most.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(10);

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<PocIdentityDbContext>(ResourceNames.IdentityDb);
        builder.AddRedisCache();
        builder.AddMessaging<PocIdentityDbContext>(ResourceNames.Identity, bus =>
        {
            bus.AddMemberStateCopy<PocIdentityDbContext>(ResourceNames.Identity);
            bus.AddConsumer<AuditRecordedConsumer>();
            bus.AddConsumer<PrincipalRevokedConsumer>();
        });
        builder.AddTokenServer();
    }

    /// <summary>
    /// The OpenID Connect provider (OpenIddict) with its EF Core stores in identitydb. The gateway is
    /// the one public origin, so the issuer is the gateway's address and discovery, JWKS and token
    /// endpoints are reached through it. Access tokens are JWTs signed with the persisted key, not
    /// encrypted, so that every service checks them itself against the published keys.
    /// </summary>
    public static void AddTokenServer(this IHostApplicationBuilder builder)
    {
        var issuer = AuthenticationExtensions.Issuer(builder.Configuration);
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<PocIdentityDbContext>())
            .AddServer(server =>
            {
                server.SetIssuer(issuer);
                server.SetTokenEndpointUris("connect/token");
                server.AllowClientCredentialsFlow();
                server.RegisterScopes([.. ApiScopes.Audiences.Keys]);
                server.SetAccessTokenLifetime(AccessTokenLifetime);
                server.DisableAccessTokenEncryption();
                server.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler => handler
                    .UseScopedHandler<AuditRefusedTokenRequests>()
                    .SetOrder(int.MinValue + 100_000));
                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    // TLS ends in front of the gateway (or nowhere, on loopback); the gateway forwards plain HTTP.
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddAudiences(ResourceNames.Identity);
                validation.UseHeaderTokensDenyingByDefault();
            });
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerKeysSetup>();
    }
}
