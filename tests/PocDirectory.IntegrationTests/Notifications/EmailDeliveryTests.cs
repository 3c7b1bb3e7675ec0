using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PocDirectory.Contracts.Notifications;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Notifications.Infrastructure;
using PocDirectory.Notifications.Model;

namespace PocDirectory.IntegrationTests.Notifications;

/// <summary>SendEmail → Notifications → a real SMTP server, read back from its Maildir as MIME.</summary>
[Collection(ServersCollection.Name)]
public sealed class EmailDeliveryTests(ServersFixture servers) : IAsyncLifetime
{
    private WebApplicationFactory<NotificationsDbContext> _notifications = null!;
    private readonly HandledMessages _handled = new();

    public async Task InitializeAsync()
    {
        var factory = new ServiceFactory<NotificationsDbContext>(servers, ResourceNames.NotificationsDb, await servers.CreateDatabaseAsync("notifications"));
        _notifications = factory.WithWebHostBuilder(b => b
            .UseSetting($"ConnectionStrings:{ResourceNames.Mail}", servers.Smtp.ConnectionString)
            .UseSetting("Email:RetryDelay", "00:00:01")
            .UseSetting("Email:PollInterval", "00:00:00.200"));
        _notifications.CreateClient().Dispose();
        _notifications.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_handled);
    }

    public async Task DisposeAsync() => await _notifications.DisposeAsync();

    [Fact]
    public async Task An_e_mail_is_rendered_with_values_escaped_in_HTML_and_sent_once_however_often_it_is_asked_for()
    {
        var email = Email("security-notice", new Dictionary<string, string>
        {
            ["name"] = "<b>Ana</b> & Co",
            ["event"] = "Passkey added\r\nBcc: attacker@example.org",
            ["time"] = "2026-11-25 10:00 UTC",
            ["details"] = "Chromium on Linux",
        });
        var messageId = Guid.NewGuid();
        var againId = Guid.NewGuid();
        await PublishAsync(email, messageId);
        await PublishAsync(email, messageId); // redelivered
        await PublishAsync(email, againId); // asked for again

        await Eventually.Until(() => StatusAsync(email.EmailId), s => s == DeliveryStatus.Sent, TimeSpan.FromSeconds(30), "the e-mail sent");
        await NothingLeftAsync((messageId, 2), (againId, 1)); // any second copy would be in the Maildir now
        var message = Assert.Single(await MessagesToAsync(email.To));

        Assert.Equal($"{email.EmailId:N}@pocdirectory", message.MessageId);
        Assert.Equal("Security notice: Passkey added Bcc: attacker@example.org", message.Subject);
        Assert.Empty(message.Bcc);
        Assert.Equal(email.To, message.To.Mailboxes.Single().Address);
        Assert.Contains("Dear <b>Ana</b> & Co,", message.TextBody);
        Assert.Contains("Dear &lt;b&gt;Ana&lt;/b&gt; &amp; Co,", message.HtmlBody);
        Assert.DoesNotContain("<b>Ana</b>", message.HtmlBody);
    }

    [Fact]
    public async Task While_the_SMTP_server_is_away_an_e_mail_waits_and_goes_out_once_it_is_back()
    {
        var email = Email("invitation", new Dictionary<string, string>
        {
            ["name"] = "Kofi", ["inviter"] = "The Secretariat", ["roles"] = "point of contact",
            ["link"] = "http://127.0.0.1/invitation/abc", ["expires"] = "28 November 2026",
        });
        // The attempts tried again are counted for the operations team's alert on an SMTP server that takes nothing.
        long retried = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "PocDirectory.Email" && instrument.Name == "email.retried")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref retried, value));
        listener.Start();
        await servers.Smtp.StopAsync();
        try
        {
            await PublishAsync(email, Guid.NewGuid());
            var delivery = await Eventually.Until(() => DeliveryAsync(email.EmailId), d => d is { Attempts: >= 1 },
                TimeSpan.FromSeconds(30), "a failed attempt");
            Assert.Equal(DeliveryStatus.Pending, delivery!.Status);
            Assert.Contains("SMTP", delivery.LastError);
            Assert.True(Interlocked.Read(ref retried) >= 1, "the failed attempt is counted as tried again");
        }
        finally
        {
            await servers.Smtp.StartAsync(CancellationToken.None);
        }

        await Eventually.Until(() => StatusAsync(email.EmailId), s => s == DeliveryStatus.Sent, TimeSpan.FromSeconds(60), "the e-mail sent");
        var message = Assert.Single(await MessagesToAsync(email.To));
        Assert.Contains("http://127.0.0.1/invitation/abc", message.TextBody);
        // Sent: the log keeps what happened, not the one-time link.
        var logged = await DeliveryAsync(email.EmailId);
        Assert.Equal("", logged!.TextBody + logged.HtmlBody);
        Assert.Equal("invitation", logged.Template);
    }

    [Theory]
    [InlineData("no-such-template", "someone@example.org", "No e-mail template")]
    [InlineData("invitation", "not an address", "is not an e-mail address")]
    public async Task An_e_mail_that_can_never_be_sent_is_logged_as_failed_and_not_retried(string template, string to, string error)
    {
        var email = Email(template, new Dictionary<string, string>()) with { To = to };
        await PublishAsync(email, Guid.NewGuid());

        var delivery = await Eventually.Until(() => DeliveryAsync(email.EmailId), d => d is not null, TimeSpan.FromSeconds(30), "the delivery log");
        Assert.Equal(DeliveryStatus.Failed, delivery!.Status);
        Assert.Contains(error, delivery.LastError);
        Assert.Equal(0, delivery.Attempts);
    }

    [Fact]
    public async Task An_address_the_server_refuses_fails_at_once_and_the_asking_service_is_told_once()
    {
        var email = Email("invitation", new Dictionary<string, string>()) with { To = $"nobody-{Guid.NewGuid():N}@nowhere.invalid" };
        await PublishAsync(email, Guid.NewGuid());

        var delivery = await Eventually.Until(() => DeliveryAsync(email.EmailId), d => d?.Status == DeliveryStatus.Failed, TimeSpan.FromSeconds(30), "the e-mail refused");
        Assert.Equal(1, delivery!.Attempts); // not retried
        Assert.StartsWith("Address refused: 550", delivery.LastError);
        Assert.Empty(await MessagesToAsync(email.To));
        await using var scope = _notifications.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var told = await db.Set<PocDirectory.BuildingBlocks.Messaging.OutboxMessage>().AsNoTracking()
            .Where(m => m.MessageType == PocDirectory.BuildingBlocks.Messaging.OutboxMessage.TypeName(typeof(EmailUndeliverable)))
            .CountAsync();
        Assert.Equal(1, told); // this test's database: the one refusal, said once
    }

    [Fact]
    public async Task A_batch_sends_each_of_its_e_mails_once_also_when_it_comes_twice_or_repeats_an_e_mail()
    {
        var emails = Enumerable.Range(0, 3).Select(_ => Email("security-notice", new Dictionary<string, string> { ["name"] = "Ana", ["event"] = "Test" })).ToList();
        var batch = new SendEmailBatch { Emails = [.. emails, emails[0]] };
        var bus = _notifications.Services.GetRequiredService<IBus>();
        var (first, second, alone) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await bus.Publish(batch, context => context.MessageId = first);
        await bus.Publish(batch, context => context.MessageId = second); // the same e-mails asked for again
        await PublishAsync(emails[1], alone); // and one of them alone

        foreach (var email in emails)
        {
            await Eventually.Until(() => StatusAsync(email.EmailId), s => s == DeliveryStatus.Sent, TimeSpan.FromSeconds(30), "the e-mail sent");
        }
        await NothingLeftAsync((first, 1), (second, 1), (alone, 1)); // any second copy would be in the Maildir now
        foreach (var email in emails)
        {
            Assert.Single(await MessagesToAsync(email.To));
        }
    }

    [Fact]
    public async Task A_calendar_object_goes_as_a_text_calendar_alternative_naming_its_method_and_as_an_attachment_then_is_forgotten()
    {
        const string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:u-1@tests\r\nDTSTAMP:20270101T000000Z\r\n"
            + "DTSTART:20270215T140000Z\r\nSUMMARY:Townhall – virtual\r\nSEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        var email = Email("meeting-invitation", new Dictionary<string, string>
        {
            ["heading"] = "Invitation", ["intro"] = "Your Mission is invited.", ["name"] = "Permanent Mission of the Niger to the United Nations",
            ["title"] = "Townhall – virtual", ["kind"] = "Townhall meeting", ["when"] = "15 February 2027", ["place"] = "Online",
            ["status"] = "Confirmed", ["details"] = "", ["link"] = "",
        }) with { Calendar = new EmailCalendar { Method = EmailCalendar.Request, Text = ics } };
        var wrong = Email("meeting-invitation", new Dictionary<string, string>()) with { Calendar = new EmailCalendar { Method = EmailCalendar.Cancel, Text = ics } };
        await PublishAsync(email, Guid.NewGuid());
        await PublishAsync(wrong, Guid.NewGuid());

        await Eventually.Until(() => StatusAsync(email.EmailId), s => s == DeliveryStatus.Sent, TimeSpan.FromSeconds(30), "the e-mail sent");
        var message = Assert.Single(await MessagesToAsync(email.To));
        Assert.Equal("Invitation: Townhall – virtual (15 February 2027)", message.Subject);
        var alternative = Assert.IsType<MultipartAlternative>(Assert.IsType<Multipart>(message.Body).First());
        Assert.Equal(["text/plain", "text/html", "text/calendar"], alternative.Select(p => p.ContentType.MimeType));
        var calendar = Assert.IsType<TextPart>(alternative[2]);
        Assert.Equal("REQUEST", calendar.ContentType.Parameters["method"]);
        // Byte for byte, CRLF line ends included (TextPart.Text would give them in this platform's form).
        Assert.Equal(ics, await DecodedAsync(calendar));
        var file = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal(("application/ics", "invite.ics"), (file.ContentType.MimeType, file.FileName));
        Assert.Equal(ics, await DecodedAsync(file));
        Assert.Contains("To the Permanent Mission of the Niger to the United Nations,", message.TextBody);

        // Sent, the log keeps no calendar object; one whose METHOD is not the one announced is never sent.
        var sent = await Eventually.Until(() => DeliveryAsync(email.EmailId), d => d!.CalendarText == "", TimeSpan.FromSeconds(30), "the calendar object forgotten");
        Assert.Equal("REQUEST", sent!.CalendarMethod);
        var refused = await Eventually.Until(() => DeliveryAsync(wrong.EmailId), d => d is not null, TimeSpan.FromSeconds(30), "the refused e-mail logged");
        Assert.Equal(DeliveryStatus.Failed, refused!.Status);
        Assert.Contains("METHOD:CANCEL", refused.LastError);
        Assert.Empty(await MessagesToAsync(wrong.To));
    }

    private static async Task<string> DecodedAsync(MimePart part)
    {
        using var content = new MemoryStream();
        await part.Content!.DecodeToAsync(content);
        return System.Text.Encoding.UTF8.GetString(content.ToArray());
    }

    private static SendEmail Email(string template, Dictionary<string, string> values) => new()
    {
        EmailId = Guid.NewGuid(),
        To = $"poc-{Guid.NewGuid():N}@example.org",
        Template = template,
        Values = values,
        RequestedBy = "tests",
    };

    /// <summary>
    /// The marker that no copy is still to come: the service handled each message published to it as often as it was
    /// published (a copy its inbox drops is handled too), no e-mail waits to be sent, and no session with the SMTP server
    /// is open (an e-mail is recorded as sent before the server's answer, and the server stores it before it answers).
    /// </summary>
    private async Task NothingLeftAsync(params (Guid MessageId, int Times)[] published)
    {
        foreach (var (messageId, times) in published)
        {
            await Eventually.Until(() => Task.FromResult(_handled.Times(messageId)), n => n >= times, TimeSpan.FromSeconds(30),
                $"message {messageId} handled {times} time(s)");
        }
        await Eventually.Until(async () =>
        {
            await using var scope = _notifications.Services.CreateAsyncScope();
            var pending = await scope.ServiceProvider.GetRequiredService<NotificationsDbContext>().EmailDeliveries.CountAsync(d => d.Status == DeliveryStatus.Pending);
            return (Pending: pending, Sessions: SmtpSessions.OpenTo(servers.Smtp.Port));
        }, left => left == (0, 0), TimeSpan.FromSeconds(30), "no e-mail waiting to be sent, no SMTP session open");
    }

    /// <summary>How often the service's consumers finished with each e-mail request (sent on, or dropped as a copy), by message id; a failed attempt is not counted.</summary>
    private sealed class HandledMessages : IConsumeObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> _times = new();

        public int Times(Guid messageId) => _times.GetValueOrDefault(messageId);

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Handled(context);

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask; // tried again, or parked

        private Task Handled<T>(ConsumeContext<T> context) where T : class
        {
            if (context.Message is SendEmail or SendEmailBatch && context.MessageId is { } id)
            {
                _times.AddOrUpdate(id, 1, (_, n) => n + 1);
            }
            return Task.CompletedTask;
        }
    }

    private Task PublishAsync(SendEmail email, Guid messageId) =>
        _notifications.Services.GetRequiredService<IBus>().Publish(email, context => context.MessageId = messageId);

    private async Task<EmailDelivery?> DeliveryAsync(Guid id)
    {
        await using var scope = _notifications.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NotificationsDbContext>().EmailDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id);
    }

    private async Task<DeliveryStatus?> StatusAsync(Guid id) => (await DeliveryAsync(id))?.Status;

    private async Task<List<MimeMessage>> MessagesToAsync(string address)
    {
        var messages = new List<MimeMessage>();
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(servers.Smtp.MaildirPath, "new")))
        {
            var message = await MimeMessage.LoadAsync(file);
            if (message.To.Mailboxes.Any(m => m.Address == address))
            {
                messages.Add(message);
            }
        }
        return messages;
    }
}
