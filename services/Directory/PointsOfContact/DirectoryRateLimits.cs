using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>
/// The machine API's limit: each machine client may make <c>Directory:MachineRequestsPerMinute</c>
/// requests a minute (default 600) to each replica, then gets 429 with Retry-After. People reading
/// through the Web are not limited here.
/// </summary>
public static class DirectoryRateLimits
{
    public const string Policy = "directory-readers";

    public static IServiceCollection AddDirectoryRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Directory:MachineRequestsPerMinute", 600);
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
            options.AddPolicy(Policy, http =>
            {
                var caller = Caller.From(http.User);
                return caller.IsMachine
                    ? RateLimitPartition.GetFixedWindowLimiter(caller.Subject, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = perMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter("people");
            });
        });
    }
}
