using System.Globalization;
using System.Threading.RateLimiting;

namespace Microsoft.Extensions.Hosting;

public static class RetryAfter
{
    /// <summary>
    /// A refused lease's <c>Retry-After</c> header value: its wait in whole seconds, rounded up and at least 1, or a
    /// minute when the limiter gave none.
    /// </summary>
    public static string Seconds(RateLimitLease lease) =>
        Math.Max(1, (int)Math.Ceiling((lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1)).TotalSeconds))
            .ToString(CultureInfo.InvariantCulture);
}
