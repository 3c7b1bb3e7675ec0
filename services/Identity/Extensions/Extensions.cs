using MassTransit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Identity.Accounts;
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
            bus.AddConsumer<AuditRecordedConsumer>(consumer => consumer.Options<BatchOptions>(AuditRecordedConsumer.Options));
            bus.AddConsumer<PrincipalRevokedConsumer>();
            bus.AddConsumer<PointOfContactApprovedConsumer>();
            bus.AddConsumer<PointOfContactWithdrawnConsumer>();
            bus.AddConsumer<EmailFocalPointsConsumer>();
        });
        builder.AddTokenServer();
        builder.AddAccounts();
        builder.AddAuditChain();
    }

    /// <summary>
    /// The audit log's key (from outside the database; the service does not start without it) and its
    /// checkpoints, written outside the database every half minute.
    /// </summary>
    public static void AddAuditChain(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(AuditChainKey.From(builder.Configuration)); // no start without a usable key
        builder.Services.AddSingleton<AuditCheckpointFile>();
        builder.Services.AddSingleton<AuditCheckpointWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuditCheckpointWriter>());
        builder.Services.AddSingleton<AuditChainMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuditChainMonitor>());
    }

    /// <summary>
    /// People's accounts (ASP.NET Core Identity) and the pages where they sign in: invitation only,
    /// passwords of 12 characters or more that are not common, growing delays after failures (no lockout), a second
    /// factor for everyone. The sign-in cookie is Identity's own (the Web has its own session); its
    /// keys live in identitydb, so a restart or a second replica keeps people signed in.
    /// </summary>
    public static void AddAccounts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddIdentityCore<PocUser>(AccountOptions.Apply)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PocIdentityDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<PasswordPolicy>();
        builder.Services.AddScoped<IUserConfirmation<PocUser>, ActiveAccountConfirmation>();
        builder.Services.AddScoped<Invitations>();
        builder.Services.AddScoped<SignInSteps>();
        builder.Services.AddScoped<KnownDevices>();
        builder.Services.AddScoped<AccountSessionList>();
        builder.Services.AddScoped<Passkeys>();
        var publicOrigin = AuthenticationExtensions.Issuer(builder.Configuration);
        builder.Services.Configure<IdentityPasskeyOptions>(options => Passkeys.Configure(options, publicOrigin));
        builder.Services.AddScoped<SignInThrottle>();
        builder.Services.AddSingleton<SessionRules>();
        builder.Services.AddScoped<MachineClients>();
        builder.Services.AddScoped<AccountSessions>();
        builder.Services.AddScoped<PointOfContactAccess>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddAuthentication().AddIdentityCookies(cookies =>
        {
            cookies.ApplicationCookie!.Configure(options =>
            {
                options.Cookie.Name = "pocdir-identity";
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.HttpOnly = true;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.LoginPath = "/account/sign-in";
                options.LogoutPath = "/connect/endsession";
                options.AccessDeniedPath = "/account/enrol";
                // However active, a session ends at its absolute lifetime, counted from the sign-in (SessionRules).
                var checkStamp = options.Events.OnValidatePrincipal;
                options.Events.OnValidatePrincipal = async context =>
                {
                    if (context.HttpContext.RequestServices.GetRequiredService<SessionRules>().HasEnded(context.Principal))
                    {
                        context.RejectPrincipal();
                        await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignOutAsync(context.HttpContext, IdentityConstants.ApplicationScheme);
                        return;
                    }
                    await checkStamp(context);
                };
            });
            cookies.TwoFactorUserIdCookie!.Configure(options =>
            {
                options.Cookie.Name = "pocdir-identity-2fa";
                options.Cookie.HttpOnly = true;
                options.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            });
            cookies.ExternalCookie!.Configure(options => options.Cookie.Name = "pocdir-identity-external");
        });
        // A disabled account or "sign out everywhere" (a new security stamp) ends Identity's own sessions within a minute.
        var sessionCheck = TimeSpan.FromSeconds(builder.Configuration.GetValue("SignIn:SessionCheckSeconds", 60));
        builder.Services.Configure<SecurityStampValidatorOptions>(options =>
        {
            options.ValidationInterval = sessionCheck;
            // The session is rebuilt from the account at each check: how the person signed in stays with it.
            options.OnRefreshingPrincipal = context =>
            {
                SignInMethods.Carry(context.CurrentPrincipal, context.NewPrincipal);
                return Task.CompletedTask;
            };
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AccountPolicies.SignedIn, policy => policy
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireAuthenticatedUser())
            .AddPolicy(AccountPolicies.SignedInWithTwoFactors, policy => policy
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(OpenIddict.Abstractions.OpenIddictConstants.Claims.AuthenticationMethodReference, MultiFactorTokens.MultiFactor))
            .AddPolicy(AccountPolicies.DirectoryManager, policy => policy
                .RequireAuthenticatedUser()
                .RequireRole(Roles.DirectoryManager));
        builder.Services.AddDataProtection()
            .SetApplicationName("pocdir-identity")
            .PersistKeysToDbContext<PocIdentityDbContext>()
            .ProtectKeysWithKeyEncryptionKey(KeyEncryptionKey.From(builder.Configuration, ".pocdir/secrets/identity-key-encryption-key"));
        builder.Services.AddAntiforgery(options => options.Cookie.Name = "pocdir-identity-antiforgery");
        builder.Services.AddRazorPages();
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
                server.SetAuthorizationEndpointUris("connect/authorize");
                server.SetEndSessionEndpointUris("connect/endsession");
                server.AllowClientCredentialsFlow();
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.AllowRefreshTokenFlow();
                server.RegisterScopes([.. ApiScopes.PersonSignIn]);
                server.SetAccessTokenLifetime(AccessTokenLifetime);
                server.SetIdentityTokenLifetime(AccessTokenLifetime);
                server.SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(2));
                // A Web session lasts a working day at most; each refresh token is used once (they rotate).
                server.SetRefreshTokenLifetime(TimeSpan.FromHours(8));
                server.DisableAccessTokenEncryption();
                server.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler => handler
                    .UseScopedHandler<AuditRefusedTokenRequests>()
                    .SetOrder(int.MinValue + 100_000));
                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    // A sign-in request it refuses without a way back to the client is shown as Identity's page (Program.cs).
                    .EnableStatusCodePagesIntegration()
                    // TLS ends in front of the gateway (or nowhere, on loopback); the gateway forwards plain HTTP.
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddAudiences(ResourceNames.Identity);
                validation.UseHeaderTokensDenyingByDefault();
            });
        builder.Services.AddSingleton<TokenKeyRing>();
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerKeysSetup>();
        builder.Services.AddHostedService<SigningKeyReloader>();
    }
}
