using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Extensions.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// HttpClient resilience with Polly (Microsoft.Extensions.Http.Resilience is absent from the registry):
/// a per-try timeout, and retries with exponential backoff for transient failures of idempotent requests
/// only, so a POST is never sent twice.
/// </summary>
public static class ResilienceExtensions
{
    public static IHttpClientBuilder AddDefaultResilience(this IHttpClientBuilder http)
    {
        var retry = HttpPolicyExtensions.HandleTransientHttpError()
            .Or<Polly.Timeout.TimeoutRejectedException>()
            .WaitAndRetryAsync(3, attempt => TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1)));
        var noRetry = Policy.NoOpAsync<HttpResponseMessage>();
        var perTryTimeout = Policy.TimeoutAsync<HttpResponseMessage>(TimeSpan.FromSeconds(10));

        return http
            .AddPolicyHandler(request => IsIdempotent(request.Method) ? retry : noRetry)
            .AddPolicyHandler(perTryTimeout);
    }

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
        || method == HttpMethod.Put || method == HttpMethod.Delete;
}
