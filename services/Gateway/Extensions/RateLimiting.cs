using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace PocDirectory.Gateway.Extensions;

/// <summary>
/// Per caller: a signed-in caller (a person or a machine client, by its token's subject) has a window
/// of its own wherever it connects from; anyone else is counted by address — the browser's, when the
/// Web names it in a signed <see cref="ForwardedClient"/> header, so that one anonymous client cannot
/// use up the Web's share for everyone. A fixed window for every route, shared by the gateway's replicas
/// (<see cref="SharedWindowRateLimiter"/>: a caller gains nothing from connecting to several), and a
/// stricter one for sign-in and tokens counted in Redis request by request (a password or secret guesser
/// gains nothing from spreading over replicas either). Excess requests get a 429 problem with Retry-After.
/// </summary>
public static class RateLimiting
{
    public const string PolicyName = "per-client";
    public const string SignInPolicyName = "sign-in";

    /// <summary>The forms anyone may send without an account that store a file or send an e-mail (an application for accreditation, its confirmation).</summary>
    public const string PublicFormPolicyName = "public-forms";

    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var permitLimit = configuration.GetValue("RateLimiting:PermitsPerMinute", 600);
        var signInLimit = configuration.GetValue("RateLimiting:SignInPermitsPerMinute", 30);
        var publicFormLimit = configuration.GetValue("RateLimiting:PublicFormPermitsPerMinute", 10);
        var redis = configuration.GetConnectionString(ResourceNames.Cache)
            ?? throw new InvalidOperationException($"ConnectionStrings__{ResourceNames.Cache} is not set: sign-in limits are kept in Redis.");
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(RedisOptions.Parse(redis, ResourceNames.Gateway)));

        services.AddOptions<RateLimiterOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            var multiplexer = provider.GetRequiredService<IConnectionMultiplexer>();
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimiting).FullName!);
            // Held in Redis, so that every gateway replica counts the same requests of one address.
            void ByAddressInRedis(string policy, int limit) => options.AddPolicy(policy, http =>
            {
                var key = $"pocdir:{policy}:{ClientAddresses.Of(http)}";
                return RateLimitPartition.Get(key, _ => new RedisOrLocalRateLimiter(
                    new RedisFixedWindowRateLimiter<string>(key, new RedisFixedWindowRateLimiterOptions
                    {
                        ConnectionMultiplexerFactory = () => multiplexer,
                        PermitLimit = limit,
                        Window = TimeSpan.FromMinutes(1),
                    }),
                    new FixedWindowRateLimiter(Window(limit)),
                    logger));
            });
            ByAddressInRedis(SignInPolicyName, signInLimit);
            ByAddressInRedis(PublicFormPolicyName, publicFormLimit);
            // Every route: one window per caller for all gateway replicas together, counted in Redis by blocks of permits.
            var clock = provider.GetService<TimeProvider>() ?? TimeProvider.System;
            options.AddPolicy(PolicyName, http => RateLimitPartition.Get(CallerKey(http), caller =>
                new SharedWindowRateLimiter($"pocdir:{PolicyName}:{caller}", permitLimit, TimeSpan.FromMinutes(1), multiplexer, clock, logger)));
        });
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = RetryAfter.Seconds(context.Lease);
                await Results.Problem(
                        title: "Too many requests.",
                        detail: "Too many requests from this caller; try again after the time in Retry-After.",
                        statusCode: StatusCodes.Status429TooManyRequests)
                    .ExecuteAsync(context.HttpContext);
            };
        });
    }


    /// <summary>The account of a validated token, or else the client's address.</summary>
    internal static string CallerKey(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.FindFirst("sub")?.Value is { Length: > 0 } subject
            ? "account:" + subject
            : "address:" + ClientAddresses.Of(http);

    /// <summary>
    /// Takes the Web's signed <see cref="ForwardedClient"/> header off every request: when it verifies, the
    /// request counts as the browser's (for the limits, and in the X-Forwarded-For the services record);
    /// otherwise it is ignored. It never travels further.
    /// </summary>
    public static IApplicationBuilder UseForwardedClient(this IApplicationBuilder app, IConfiguration configuration)
    {
        var key = ForwardedClient.Key(configuration);
        var clock = app.ApplicationServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return app.Use((context, next) =>
        {
            if (context.Request.Headers.Remove(ForwardedClient.HeaderName, out var values) && key is not null
                && ForwardedClient.Verify(values.ToString(), clock.GetUtcNow(), key) is { } browser)
            {
                context.Connection.RemoteIpAddress = browser;
            }
            return next(context);
        });
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };
}
