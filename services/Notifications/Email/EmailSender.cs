using System.Diagnostics.Metrics;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using PocDirectory.Notifications.Infrastructure;
using PocDirectory.Notifications.Model;

namespace PocDirectory.Notifications.Email;

/// <summary>
/// Sends the e-mails that are due, over SMTP with MailKit. Rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, so replicas never send the same one at once; a row is marked sent
/// in the same transaction that claimed it, after the server accepted the message. A process killed
/// between the server's acceptance and that commit sends the e-mail again on its next attempt, with
/// the same Message-ID (at least once; a mail client shows the pair as one). A refused address fails
/// at once; any other fault is retried with backoff until the attempts run out.
/// </summary>
public sealed partial class EmailSender(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    IOptions<EmailOptions> options,
    TimeProvider clock,
    ILogger<EmailSender> logger) : BackgroundService
{
    private static readonly Meter Meter = new("PocDirectory.Email");
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("email.sent");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("email.failed");

    private readonly EmailOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var handled = await SendDueAsync(stoppingToken);
                if (handled == _options.BatchSize)
                {
                    continue; // more is due
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogRoundFailed(ex);
            }
            try
            {
                await Task.Delay(_options.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims the e-mails that are due and attempts each once. Returns how many were claimed.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var due = await db.EmailDeliveries
            .FromSql($"""
                SELECT * FROM email_deliveries
                WHERE status = 'Pending' AND next_attempt_at <= {now}
                ORDER BY next_attempt_at
                LIMIT {_options.BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        using var smtp = new SmtpClient();
        string? connectError = null;
        try
        {
            var server = MailServer.TryGet(configuration, out var address) ? address : throw new InvalidOperationException(MailServer.Expected);
            await smtp.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            connectError = $"SMTP server unreachable: {ex.Message}";
        }

        foreach (var delivery in due)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break; // stopping: what was sent is still recorded below; the rest stays due
            }
            delivery.Attempts++;
            if (connectError is not null)
            {
                Retry(delivery, connectError);
                continue;
            }
            try
            {
                await smtp.SendAsync(ToMime(delivery), cancellationToken);
                delivery.Status = DeliveryStatus.Sent;
                delivery.SentAt = clock.GetUtcNow();
                delivery.LastError = null;
                Forget(delivery);
                Sent.Add(1);
            }
            catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted && (int)ex.StatusCode >= 500)
            {
                delivery.Status = DeliveryStatus.Failed;
                delivery.LastError = Truncate($"Address refused: {(int)ex.StatusCode} {ex.Message}");
                Forget(delivery);
                Failed.Add(1);
                LogRefused(delivery.Id, (int)ex.StatusCode);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                delivery.Attempts--; // not attempted after all
                break;
            }
            catch (Exception ex)
            {
                // Any other fault is this e-mail's alone: recorded and retried, never a reason to
                // lose the record of the ones already sent in this round.
                Retry(delivery, ex.Message);
                if (!smtp.IsConnected)
                {
                    connectError = $"SMTP connection lost: {ex.Message}";
                }
            }
        }
        try
        {
            if (smtp.IsConnected)
            {
                await smtp.DisconnectAsync(quit: true, CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            LogRoundFailed(ex); // the messages were accepted already: what follows must still commit
        }
        // Not cancellable: the e-mails the server accepted must be recorded as sent, or they go out twice.
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return due.Count;
    }

    /// <summary>
    /// Once an e-mail is sent or given up, the delivery log keeps what happened (to whom, template,
    /// status, attempts, error) but not the text, which may hold a one-time link or personal details.
    /// </summary>
    private static void Forget(EmailDelivery delivery)
    {
        delivery.TextBody = "";
        delivery.HtmlBody = "";
    }

    private void Retry(EmailDelivery delivery, string error)
    {
        delivery.LastError = Truncate(error);
        if (delivery.Attempts >= _options.MaxAttempts)
        {
            delivery.Status = DeliveryStatus.Failed;
            Forget(delivery);
            Failed.Add(1);
            LogGaveUp(delivery.Id, delivery.Attempts, error);
            return;
        }
        delivery.NextAttemptAt = clock.GetUtcNow() + _options.DelayAfter(delivery.Attempts);
        LogRetrying(delivery.Id, delivery.Attempts, error);
    }

    private MimeMessage ToMime(EmailDelivery delivery)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_options.From));
        message.To.Add(new MailboxAddress(delivery.ToName ?? "", delivery.To));
        message.Subject = delivery.Subject;
        message.MessageId = $"{delivery.Id:N}@pocdirectory";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new BodyBuilder { TextBody = delivery.TextBody, HtmlBody = delivery.HtmlBody }.ToMessageBody();
        return message;
    }

    private static string Truncate(string value) => value.Length <= 2000 ? value : value[..2000];

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-mail {Id} not sent (attempt {Attempt}); will retry: {Error}")]
    private partial void LogRetrying(Guid id, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "E-mail {Id} given up after {Attempts} attempts: {Error}")]
    private partial void LogGaveUp(Guid id, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-mail {Id}: the SMTP server refused the address ({Status})")]
    private partial void LogRefused(Guid id, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An e-mail round failed; retrying")]
    private partial void LogRoundFailed(Exception ex);
}
