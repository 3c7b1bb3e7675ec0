using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PocDirectory.Web.Services;

/// <summary>
/// The Web as a backend-for-frontend: it signs people in at Identity (authorization code with PKCE,
/// as a confidential client), keeps their tokens on the server (the session lives in Redis; the
/// browser holds only an HttpOnly, SameSite cookie naming it), refreshes the access token before it
/// expires (refresh tokens rotate), and calls the APIs through the gateway with it. Data protection
/// keys are in Redis too, so a restart or a second replica keeps every session.
/// </summary>
public static class WebSessions
{
    public const string SecretKey = "Authentication:ClientSecret";

    public static void AddWebSessions(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var issuer = AuthenticationExtensions.Issuer(configuration);
        // Where people open the Web: its cookies are Secure when that is https (else its own address, plain HTTP on loopback).
        var webOrigin = new Uri(AuthenticationExtensions.WebUrl(configuration) ?? "http://127.0.0.1/");
        builder.AddSecureCookies(webOrigin);
        var redis = configuration.GetConnectionString(ResourceNames.Cache)
            ?? throw new InvalidOperationException($"ConnectionStrings__{ResourceNames.Cache} is not set: the Web keeps its sessions in Redis.");
        var multiplexer = ConnectionMultiplexer.Connect(RedisOptions.Parse(redis, ResourceNames.Web));
        builder.Services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        // Kept in the Redis that holds the sessions they protect, but sealed under a key Redis never has.
        builder.Services.AddDataProtection()
            .SetApplicationName("pocdir-web")
            .PersistKeysToStackExchangeRedis(multiplexer, "pocdir:dataprotection:web")
            .ProtectKeysWithKeyEncryptionKey(KeyEncryptionKey.From(configuration, ".pocdir/secrets/web-key-encryption-key"));
        builder.Services.AddStackExchangeRedisCache(options =>
        {
            options.ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(multiplexer);
            options.InstanceName = "pocdir:web-session:";
        });
        builder.Services.AddSingleton<RedisTicketStore>();
        builder.Services.AddTransient<IdentityBackchannelHandler>();
        builder.Services.AddHttpClient(IdentityBackchannelHandler.ClientName).AddHttpMessageHandler<IdentityBackchannelHandler>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddTransient<UserAccessTokenHandler>();
        builder.Services.AddTransient<IdentityAccessTokenHandler>();
        builder.Services.AddSingleton<TokenRefresher>();

        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(options =>
            {
                options.Cookie.Name = "pocdir-web";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.AccessDeniedPath = "/access-denied";
                options.Events.OnValidatePrincipal = context =>
                    context.HttpContext.RequestServices.GetRequiredService<TokenRefresher>().RefreshIfDueAsync(context);
            })
            .AddOpenIdConnect(options =>
            {
                options.Authority = issuer.ToString();
                // Identity's published keys read again every 5 minutes, not 12 hours: a new key is published 10 minutes before it signs.
                options.AutomaticRefreshInterval = TimeSpan.FromMinutes(5);
                options.RequireHttpsMetadata = issuer.Scheme == Uri.UriSchemeHttps || !issuer.IsLoopback;
                options.ClientId = ResourceNames.Web;
                options.ClientSecret = configuration[SecretKey]
                    ?? throw new InvalidOperationException($"{SecretKey} is not set: the Web cannot sign anyone in.");
                options.ResponseType = "code";
                options.ResponseMode = "query";
                options.UsePkce = true;
                options.SaveTokens = true;
                options.MapInboundClaims = false;
                options.GetClaimsFromUserInfoEndpoint = false;
                options.Scope.Clear();
                foreach (var scope in ApiScopes.PersonSignIn)
                {
                    options.Scope.Add(scope);
                }
                options.TokenValidationParameters.NameClaimType = "name";
                options.TokenValidationParameters.RoleClaimType = "role";
                // The answer comes back as a top-level GET (response mode query): Lax is enough, and the
                // cookies stay usable on a plain-HTTP loopback address.
                options.CorrelationCookie.Name = "pocdir-web-correlation.";
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.CorrelationCookie.SecurePolicy = TransportSecurity.CookiePolicy(webOrigin);
                options.NonceCookie.Name = "pocdir-web-nonce.";
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SecurePolicy = TransportSecurity.CookiePolicy(webOrigin);
            });
        // Options that need services: the Redis session store, and server-to-server calls to Identity directly.
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<RedisTicketStore>((options, store) => options.SessionStore = store);
        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory>((options, clients) => options.Backchannel = clients.CreateClient(IdentityBackchannelHandler.ClientName));
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAuthorization();
    }

    public static void MapSignInEndpoints(this WebApplication app)
    {
        app.MapGet("/signin", (string? returnUrl) => Results.Challenge(
            new AuthenticationProperties { RedirectUri = SafeLocal(returnUrl) }, [OpenIdConnectDefaults.AuthenticationScheme]));
        // A form post with the antiforgery token: no other site can sign a person out.
        app.MapPost("/signout", (HttpContext http, [Microsoft.AspNetCore.Mvc.FromForm] string? returnUrl) => Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
    }

    public static string SafeLocal(string? returnUrl) => LocalPaths.IsLocal(returnUrl) ? returnUrl! : "/";
}

/// <summary>
/// Sessions in Redis: the cookie carries only a random key; the tickets (with the tokens) stay on the
/// server, protected by the shared data protection keys.
/// </summary>
public sealed class RedisTicketStore(IDistributedCache cache, IDataProtectionProvider protection) : ITicketStore
{
    private readonly IDataProtector _protector = protection.CreateProtector("pocdir-web-session");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await RenewAsync(key, ticket);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) =>
        cache.SetAsync(key, _protector.Protect(TicketSerializer.Default.Serialize(ticket)), new DistributedCacheEntryOptions
        {
            AbsoluteExpiration = ticket.Properties.ExpiresUtc ?? DateTimeOffset.UtcNow.AddHours(8),
        });

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var bytes = await cache.GetAsync(key);
        if (bytes is null)
        {
            return null;
        }
        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(bytes));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // keys lost: the person signs in again
        }
    }

    public Task RemoveAsync(string key) => cache.RemoveAsync(key);
}

/// <summary>
/// The Web's server-to-server calls to Identity (discovery, keys, code exchange, refresh) go to
/// Identity directly on the internal network, under the gateway's name: they are the Web's own
/// calls, not a browser's, and must not count against the gateway's per-address sign-in limit.
/// </summary>
public sealed class IdentityBackchannelHandler(IConfiguration configuration) : DelegatingHandler
{
    public const string ClientName = "identity-backchannel";

    private readonly Uri _gateway = AuthenticationExtensions.Issuer(configuration);

    private readonly Uri? _identity = configuration[$"services:{ResourceNames.Identity}:http:0"] is { Length: > 0 } url ? new Uri(url) : null;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_identity is not null && request.RequestUri is { } uri
            && Uri.Compare(uri, _gateway, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
        {
            request.Headers.Host = _gateway.Authority;
            request.RequestUri = new UriBuilder(uri) { Scheme = _identity.Scheme, Host = _identity.Host, Port = _identity.Port }.Uri;
        }
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Keeps the session's two access tokens fresh: one for the data APIs and one for Identity's API
/// alone (<see cref="ApiScopes.AddressedTo"/>: no service can replay a person's token to Identity's
/// administration). A minute before either expires, or when Identity's is missing (right after the
/// sign-in), the refresh token (used once: they rotate) buys a new one; the two are refreshed one
/// after the other. A refused refresh (account disabled, signed out everywhere, the session at its
/// longest lifetime) ends the session; an unreachable Identity leaves it as it is, to try again at
/// the next request.
/// </summary>
public sealed partial class TokenRefresher(IHttpClientFactory clients, IConfiguration configuration, TimeProvider clock, ILogger<TokenRefresher> logger)
{
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    /// <summary>The session's token for Identity's API, beside the "access_token" for the others.</summary>
    public const string IdentityAccessToken = "identity_access_token";

    private const string IdentityExpiresAt = "identity_expires_at";

    public async Task RefreshIfDueAsync(CookieValidatePrincipalContext context)
    {
        var properties = context.Properties;
        // A session without an expiry for its first token is not one this refresher keeps (none since sign-in).
        if (!TryExpiry(properties, "expires_at", out var dataExpiresAt))
        {
            return;
        }
        var dataDue = dataExpiresAt - clock.GetUtcNow() <= Margin;
        var identityDue = !TryExpiry(properties, IdentityExpiresAt, out var identityExpiresAt) || identityExpiresAt - clock.GetUtcNow() <= Margin;
        if (!dataDue && !identityDue)
        {
            return;
        }
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OpenIdConnectDefaults.AuthenticationScheme);
        var metadata = await options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
        if (dataDue && !await RefreshAsync(context, metadata.TokenEndpoint, scope: null, "access_token", "expires_at"))
        {
            return;
        }
        if (identityDue)
        {
            await RefreshAsync(context, metadata.TokenEndpoint, ApiScopes.IdentityApi, IdentityAccessToken, IdentityExpiresAt);
        }
    }

    private bool TryExpiry(AuthenticationProperties properties, string name, out DateTimeOffset expiresAt) =>
        DateTimeOffset.TryParse(properties.GetTokenValue(name), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out expiresAt);

    /// <summary>One refresh, for the APIs of <paramref name="scope"/> (null: the data APIs); false when the session cannot go on now.</summary>
    private async Task<bool> RefreshAsync(CookieValidatePrincipalContext context, string tokenEndpoint, string? scope, string tokenName, string expiryName)
    {
        var properties = context.Properties;
        var refreshToken = properties.GetTokenValue("refresh_token");
        if (string.IsNullOrEmpty(refreshToken))
        {
            await RejectAsync(context);
            return false;
        }
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = ResourceNames.Web,
            ["client_secret"] = configuration[WebSessions.SecretKey]!,
        };
        if (scope is not null)
        {
            form["scope"] = scope;
        }
        // Not the request's token: a refresh token is used once, so a refresh begun must be finished and its
        // rotated token kept, even if the browser goes away meanwhile.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonDocument json;
        try
        {
            using var response = await clients.CreateClient(IdentityBackchannelHandler.ClientName).PostAsync(tokenEndpoint,
                new FormUrlEncodedContent(form), timeout.Token);
            if (response.StatusCode == System.Net.HttpStatusCode.BadRequest)
            {
                LogRefused();
                await RejectAsync(context);
                return false;
            }
            if (!response.IsSuccessStatusCode)
            {
                LogUnavailable((int)response.StatusCode);
                return false;
            }
            json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or OperationCanceledException)
        {
            // What an earlier refresh of this request stored (a rotated refresh token) is kept: ShouldRenew stays as it was.
            LogUnreachable(ex);
            return false;
        }
        using var document = json;
        var root = document.RootElement;
        SetToken(properties, tokenName, root.GetProperty("access_token").GetString()!);
        if (root.TryGetProperty("refresh_token", out var rotated))
        {
            properties.UpdateTokenValue("refresh_token", rotated.GetString()!);
        }
        if (root.TryGetProperty("id_token", out var idToken))
        {
            properties.UpdateTokenValue("id_token", idToken.GetString()!);
        }
        var expiresIn = root.TryGetProperty("expires_in", out var seconds) ? seconds.GetInt32() : 300;
        SetToken(properties, expiryName, clock.GetUtcNow().AddSeconds(expiresIn).ToString("o", CultureInfo.InvariantCulture));
        context.ShouldRenew = true;
        return true;
    }

    /// <summary>Updates a token of the session, or adds it (UpdateTokenValue alone changes only the ones there).</summary>
    private static void SetToken(AuthenticationProperties properties, string name, string value)
    {
        if (!properties.UpdateTokenValue(name, value))
        {
            properties.StoreTokens([.. properties.GetTokens(), new AuthenticationToken { Name = name, Value = value }]);
        }
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity refused to refresh a session's tokens; the session ends")]
    private partial void LogRefused();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity could not refresh a session's tokens ({Status}); trying again at the next request")]
    private partial void LogUnavailable(int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity could not be reached to refresh a session's tokens; trying again at the next request")]
    private partial void LogUnreachable(Exception ex);
}

/// <summary>Puts the signed-in person's access token on calls to the data APIs through the gateway.</summary>
public class UserAccessTokenHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected virtual string TokenName => "access_token";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext is { } http && await http.GetTokenAsync(TokenName) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Puts the person's token for Identity's API, addressed to Identity alone, on calls to it.</summary>
public sealed class IdentityAccessTokenHandler(IHttpContextAccessor accessor) : UserAccessTokenHandler(accessor)
{
    protected override string TokenName => TokenRefresher.IdentityAccessToken;
}
