using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>
/// The machine API's limit: each machine client may make <c>Directory:MachineRequestsPerMinute</c>
/// requests a minute (default 600) to all the Directory's replicas together, counted in Redis by blocks of
/// permits (<see cref="SharedWindowRateLimiter"/>), then gets 429 with Retry-After. People reading through the
/// Web are not limited here.
/// </summary>
public static class DirectoryRateLimits
{
    public const string Policy = "directory-readers";

    public static IServiceCollection AddDirectoryRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Directory:MachineRequestsPerMinute", 600);
        services.AddOptions<RateLimiterOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            var redis = provider.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>();
            var clock = provider.GetService<TimeProvider>() ?? TimeProvider.System;
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DirectoryRateLimits).FullName!);
            options.AddPolicy(Policy, http =>
            {
                var caller = Caller.From(http.User);
                return caller.IsMachine
                    // "machine:": a client may be named "people", which must not share the people's partition.
                    ? RateLimitPartition.Get("machine:" + caller.Subject, key =>
                        new SharedWindowRateLimiter($"pocdir:{Policy}:{key}", perMinute, TimeSpan.FromMinutes(1), redis, clock, logger))
                    : RateLimitPartition.GetNoLimiter("people");
            });
        });
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = RetryAfter.Seconds(context.Lease);
                return ValueTask.CompletedTask;
            };
        });
    }
}
