using Yarp.ReverseProxy.Forwarder;

namespace PocDirectory.Gateway.Extensions;

/// <summary>
/// A read (GET or HEAD without a body) whose connection to a service broke before any answer came, as when the
/// replica behind it was killed, is sent again: the orchestrator's proxy, or a cluster's Service, hands the new
/// connection to a replica that lives. Writes are never resent (the caller decides), nor is anything that got an
/// answer, a timeout or a cancellation. A read resent may be audited twice; it changes nothing else.
/// </summary>
public sealed class ReadRetryForwarderHttpClientFactory(ILogger<ReadRetryForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new ReadRetryHandler(context.ClusterId, logger) { InnerHandler = base.WrapHandler(context, handler) };
}

public sealed class ReadRetryHandler(string service, ILogger logger) : DelegatingHandler
{
    /// <summary>The first try and up to four more, 50, 100, 200 and 400 ms apart: long enough for a proxy to see a replica gone.</summary>
    public const int Attempts = 5;

    public static TimeSpan Backoff(int failedAttempt) => TimeSpan.FromMilliseconds(50 * (1 << (failedAttempt - 1)));

    public static bool IsRead(HttpRequestMessage request) =>
        (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head) && request.Content is null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (attempt < Attempts && IsRead(request) && !cancellationToken.IsCancellationRequested)
            {
                // The service and the error only: a path can hold a search term.
                logger.LogWarning("A read from {Service} failed before an answer ({Error}); sending it again (attempt {Attempt} of {Attempts})",
                    service, ex.HttpRequestError, attempt + 1, Attempts);
                await Task.Delay(Backoff(attempt), cancellationToken);
            }
        }
    }
}
