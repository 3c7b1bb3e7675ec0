using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PocDirectory.Notifications.Infrastructure;

/// <summary>Ready only when the SMTP server greets with 220: e-mail to POCs depends on it.</summary>
// Hand-written: AspNetCore.HealthChecks.Network (the library's SMTP check) is not in the package registry.
public sealed class SmtpHealthCheck(IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!MailServer.TryGet(configuration, out var uri))
        {
            return HealthCheckResult.Unhealthy(MailServer.Expected);
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var client = new TcpClient();
            await client.ConnectAsync(uri.Host, uri.Port, timeout.Token);
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream);
            var greeting = await reader.ReadLineAsync(timeout.Token);
            await stream.WriteAsync("QUIT\r\n"u8.ToArray(), timeout.Token);
            return greeting?.StartsWith("220", StringComparison.Ordinal) == true
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The SMTP server did not greet with 220.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("The SMTP server is unreachable.", ex);
        }
    }
}
