using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using PocDirectory.AppHost;

namespace Aspire.Hosting;

public static class SmtpSinkBuilderExtensions
{
    /// <summary>
    /// The SMTP sink. Like a real relay it refuses recipients it can never deliver to (the reserved
    /// <c>.invalid</c> domain, RFC 2606, gets a permanent 550), and it delivers a message whose end of
    /// data it received even if the client is gone before the answer.
    /// </summary>
    public static IResourceBuilder<SmtpSinkResource> AddSmtpSink(this IDistributedApplicationBuilder builder,
        string name, int port, string dataDirectory)
    {
        // Debian's interpreter, where python3-aiosmtpd is installed, not whatever python3 is first on PATH.
        var server = new SmtpSinkResource(name, "/usr/bin/python3", dataDirectory, port);
        var program = Path.Combine(RepositoryPaths.FindRoot(), "AppHost", "Servers", "smtp_sink.py");
        return builder.AddServer(server, "smtp", (s, ct) => Probes.AnswersWithAsync(s.Port, null, "220", ct), (s, _) =>
            {
                foreach (var sub in new[] { "new", "cur", "tmp" })
                {
                    Directory.CreateDirectory(Path.Combine(s.MaildirPath, sub));
                }
                return Task.CompletedTask;
            })
            .WithArgs(program, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), server.MaildirPath)
            .WithEnvironment("PYTHONUNBUFFERED", "1");
    }
}
