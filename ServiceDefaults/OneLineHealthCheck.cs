using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A health check whose failure carries its exception's type and message as the description, and no exception: the
/// health check service then logs one line for it, not a stack trace. A check cut short by its timeout is left to
/// the service, which says so.
/// </summary>
public sealed class OneLineHealthCheck(IHealthCheck inner) : IHealthCheck
{
    public IHealthCheck Inner { get; } = inner;

    public static HealthCheckRegistration Wrap(HealthCheckRegistration registration) =>
        new(registration.Name, services => new OneLineHealthCheck(registration.Factory(services)), registration.FailureStatus, registration.Tags, registration.Timeout)
        {
            Delay = registration.Delay,
            Period = registration.Period,
        };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await Inner.CheckHealthAsync(context, cancellationToken);
            return result.Exception is { } ex
                ? new HealthCheckResult(result.Status, Describe(result.Description, ex), null, result.Data)
                : result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, Describe(null, ex));
        }
    }

    private static string Describe(string? description, Exception ex)
    {
        var innermost = ex.GetBaseException();
        var what = $"{innermost.GetType().Name}: {innermost.Message}";
        return string.IsNullOrWhiteSpace(description) || description == ex.Message ? what : $"{description} ({what})";
    }
}
