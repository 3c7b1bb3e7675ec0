using System.Net;
using System.Net.Sockets;
using System.Text;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PocDirectory.Contracts.Notifications;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Notifications.Infrastructure;

namespace PocDirectory.IntegrationTests.Notifications;

/// <summary>
/// A mail server whose answer names the recipient, as real ones do ("450 4.2.0 &lt;someone@…&gt;: … Greylisted"): the
/// service's log keeps the answer and masks the address (DataTaxonomy.ContactText), while the delivery's row, which
/// the Secretariat reads, keeps it whole.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class EmailLogRedactionTests(ServersFixture servers) : IAsyncLifetime
{
    private readonly TcpListener _smtp = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _logged = [];
    private WebApplicationFactory<NotificationsDbContext> _notifications = null!;
    private Task _server = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _smtp.Start();
        _server = ServeAsync(_stop.Token);
        var factory = new ServiceFactory<NotificationsDbContext>(servers, ResourceNames.NotificationsDb, await servers.CreateDatabaseAsync("redaction"));
        _notifications = factory.WithWebHostBuilder(b => b
            .UseSetting($"ConnectionStrings:{ResourceNames.Mail}", $"smtp://127.0.0.1:{((IPEndPoint)_smtp.LocalEndpoint).Port}")
            .UseSetting("Email:RetryDelay", "00:00:01")
            .UseSetting("Email:PollInterval", "00:00:00.200")
            .ConfigureLogging(logging => logging.AddProvider(new ListLoggerProvider(_logged))));
        _notifications.CreateClient().Dispose();
    }

    public async Task DisposeAsync()
    {
        await _notifications.DisposeAsync();
        await _stop.CancelAsync();
        _smtp.Stop();
        await _server.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_mail_servers_answer_is_logged_without_the_address_it_names()
    {
        var to = $"ana.perez-{Guid.NewGuid():N}"[..20] + "@mfa.example.org";
        var email = new SendEmail
        {
            EmailId = Guid.NewGuid(), To = to, Template = "security-notice", RequestedBy = "tests",
            Values = new Dictionary<string, string> { ["name"] = "Ana", ["event"] = "Passkey added", ["time"] = "now", ["details"] = "Chromium" },
        };
        await _notifications.Services.GetRequiredService<IBus>().Publish(email);

        // The row keeps the server's answer whole: the Secretariat sees which address was refused.
        var delivery = await Eventually.Until(async () =>
        {
            await using var scope = _notifications.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<NotificationsDbContext>().EmailDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == email.EmailId);
        }, d => d?.LastError?.Contains("Greylisted") == true, TimeSpan.FromSeconds(30), "the server's answer recorded");
        Assert.Contains(to, delivery!.LastError);

        // The log has the answer, and a mask where the address was.
        var line = await Eventually.Until(() => Task.FromResult(Logged().FirstOrDefault(l => l.Contains("Greylisted", StringComparison.Ordinal))),
            l => l is not null, TimeSpan.FromSeconds(30), "the retry logged");
        Assert.Contains($"E-mail {email.EmailId} not sent (attempt 1); will retry:", line);
        Assert.Contains($"<{EmailAddressRedactor.Masked}>: Recipient address rejected: Greylisted", line);
        Assert.DoesNotContain(Logged(), l => l.Contains(to, StringComparison.OrdinalIgnoreCase) || l.Contains("ana.perez", StringComparison.OrdinalIgnoreCase));
    }

    private List<string> Logged()
    {
        lock (_logged)
        {
            return [.. _logged];
        }
    }

    /// <summary>An SMTP server that greylists every recipient, naming the address in its answer (as Postfix does).</summary>
    private async Task ServeAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _smtp.AcceptTcpClientAsync(ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII);
                    await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                    await writer.WriteLineAsync("220 stub ESMTP");
                    while (await reader.ReadLineAsync(ct) is { } command)
                    {
                        var verb = command.Split(' ', ':')[0].ToUpperInvariant();
                        var answer = verb switch
                        {
                            "EHLO" => "250-stub\r\n250 8BITMIME",
                            "RCPT" => $"450 4.2.0 {command[(command.IndexOf(':') + 1)..].Trim()}: Recipient address rejected: Greylisted",
                            "QUIT" => "221 bye",
                            _ => "250 OK",
                        };
                        await writer.WriteLineAsync(answer);
                        if (verb == "QUIT")
                        {
                            return;
                        }
                    }
                }
            }, CancellationToken.None);
        }
    }

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add(formatter(state, exception) + (exception is null ? "" : " " + exception));
                }
            }
        }
    }
}
