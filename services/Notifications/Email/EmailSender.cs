using System.Diagnostics.Metrics;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Notifications.Infrastructure;
using PocDirectory.Notifications.IntegrationEvents;
using PocDirectory.Notifications.Model;
using PocDirectory.BuildingBlocks.Persistence;

namespace PocDirectory.Notifications.Email;

/// <summary>
/// Sends the e-mails that are due, over SMTP with MailKit, on <see cref="EmailOptions.Senders"/>
/// connections at once. A round claims due rows with <c>FOR UPDATE SKIP LOCKED</c> and leases them
/// (their next attempt moves past <see cref="EmailOptions.Lease"/>) in a transaction of its own, so no
/// other round or replica takes them. Each e-mail's record as sent is written before the last byte of
/// its data and committed right after it, synchronously (<see cref="EndOfDataGate"/>): a process killed
/// mid-round has sent each recorded e-mail once, and the others go when the lease ends. SMTP has no
/// two-phase commit, so one instant remains: a kill between the write of that byte and the write of
/// the commit's request (two consecutive writes) sends that one e-mail again, with the same
/// Message-ID. A refused address fails at once, and the asking
/// service is told (<see cref="Contracts.Notifications.EmailUndeliverable"/>); any other fault is
/// retried with backoff until the attempts run out.
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
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("email.failed", description: "E-mails refused for good, or given up after their attempts");

    private static readonly Counter<long> Retried = Meter.CreateCounter<long>("email.retried", description: "Attempts that failed for a passing reason (the server unreachable, a 4xx) and are tried again");

    private static readonly Histogram<double> Age = Meter.CreateHistogram<double>("email.age", "s",
        "From the request of an e-mail to its acceptance by the mail server: how long a point of contact waits for it",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] });

    private readonly EmailOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Every series exists from the start, at 0: an alert comparing them sees "none sent" as 0, not as nothing.
        Sent.Add(0);
        Failed.Add(0);
        Retried.Add(0);
        try
        {
            await ForgetFinishedAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogRoundFailed(ex);
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Senders)).Select(_ => Task.Run(() => SendLoopAsync(stoppingToken), CancellationToken.None)));
    }

    private async Task SendLoopAsync(CancellationToken stoppingToken)
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
        var now = clock.GetUtcNow();
        List<EmailDelivery> due;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            due = await db.EmailDeliveries
                .FromSql($"""
                    SELECT * FROM email_deliveries
                    WHERE status = 'Pending' AND next_attempt_at <= {now}
                    ORDER BY next_attempt_at
                    LIMIT {_options.BatchSize}
                    FOR UPDATE SKIP LOCKED
                    """)
                .InOrder(d => d.NextAttemptAt)
                .ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                return 0;
            }
            foreach (var delivery in due)
            {
                delivery.NextAttemptAt = now + _options.Lease;
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // No single exchange may outlast the lease, or another round could take the e-mail meanwhile.
        using var smtp = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, _options.Lease.TotalMilliseconds / 3) };
        EndOfDataGate? gate = null;
        string? connectError = null;
        try
        {
            var server = MailServer.TryGet(configuration, out var address) ? address : throw new InvalidOperationException(MailServer.Expected);
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(server.Host, server.Port, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            gate = new EndOfDataGate(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true));
            await smtp.ConnectAsync(gate, server.Host, server.Port, SecureSocketOptions.None, cancellationToken);
            // BDAT has no end-of-data line to hold back: always DATA.
            smtp.Capabilities &= ~(SmtpCapabilities.Chunking | SmtpCapabilities.BinaryMime);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            gate?.Dispose();
            connectError = $"SMTP server unreachable: {ex.Message}";
        }

        var attempted = 0;
        var sent = new List<Guid>();
        foreach (var delivery in due)
        {
            if (cancellationToken.IsCancellationRequested || clock.GetUtcNow() - now > _options.Lease / 2)
            {
                break; // stopping, or the lease would run out: the rest is released below
            }
            attempted++;
            delivery.Attempts++;
            if (connectError is not null)
            {
                Retry(db, delivery, connectError);
                await db.SaveChangesAsync(CancellationToken.None);
                continue;
            }
            var recorded = false;
            Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? record = null; // opened at the end of the data
            try
            {
                var message = ToMime(delivery);
                var sentAt = clock.GetUtcNow();
                var attempts = delivery.Attempts;
                // The record of the e-mail as sent is written before the end of its data and committed
                // right after it (see EndOfDataGate): a kill before the end leaves neither, after the
                // commit's request both; only the instant between two writes lies in between.
                gate!.BeforeEndOfData = () =>
                {
                    record = db.Database.BeginTransaction();
                    // The commit need not wait for the disk: a kill of this process cannot undo it once
                    // sent, and a crash of PostgreSQL itself within a fraction of a second would at worst
                    // send the e-mail again (same Message-ID).
                    db.Database.ExecuteSql($"""
                        SET LOCAL synchronous_commit = off;
                        UPDATE email_deliveries SET status = 'Sent', sent_at = {sentAt}, attempts = {attempts}, last_error = NULL WHERE id = {delivery.Id}
                        """);
                };
                gate.AfterEndOfData = () =>
                {
                    record!.Commit();
                    recorded = true;
                };
                try
                {
                    await smtp.SendAsync(message, cancellationToken);
                }
                finally
                {
                    if (record is not null)
                    {
                        await record.DisposeAsync(); // committed, or else rolled back before any other write
                    }
                }
                delivery.Status = DeliveryStatus.Sent;
                delivery.SentAt = sentAt;
                delivery.LastError = null;
                if (recorded)
                {
                    db.Entry(delivery).State = EntityState.Unchanged; // the row says so already
                }
                else
                {
                    await db.SaveChangesAsync(CancellationToken.None); // a server without DATA's end line (never here)
                }
                sent.Add(delivery.Id);
                Sent.Add(1);
                Age.Record(Math.Max(0, (clock.GetUtcNow() - delivery.CreatedAt).TotalSeconds)); // the server has answered
            }
            catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted && (int)ex.StatusCode >= 500)
            {
                Unsend(db, delivery, recorded);
                DeliveryLog.Fail(db, delivery, $"Address refused: {(int)ex.StatusCode} {ex.Message}", clock.GetUtcNow());
                await db.SaveChangesAsync(CancellationToken.None);
                Failed.Add(1);
                LogRefused(delivery.Id, (int)ex.StatusCode);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !recorded)
            {
                delivery.Attempts--; // not attempted after all
                attempted--;
                break;
            }
            catch (Exception ex)
            {
                // Any other fault is this e-mail's alone: recorded and retried. Had the end of its data
                // gone out, a fault after it may hide a delivery: then it goes again, same Message-ID.
                Unsend(db, delivery, recorded);
                Retry(db, delivery, ex.Message);
                await db.SaveChangesAsync(CancellationToken.None);
                if (!smtp.IsConnected)
                {
                    connectError = $"SMTP connection lost: {ex.Message}";
                }
            }
            finally
            {
                gate?.BeforeEndOfData = null;
                gate?.AfterEndOfData = null;
            }
        }
        if (attempted < due.Count)
        {
            // What was not attempted is due again now, not after the lease.
            foreach (var delivery in due.Skip(attempted))
            {
                delivery.NextAttemptAt = now;
            }
            await db.SaveChangesAsync(CancellationToken.None);
        }
        if (sent.Count > 0)
        {
            await ForgetSentAsync(db, sent);
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
            LogRoundFailed(ex); // every outcome is recorded already
        }
        return due.Count;
    }

    /// <summary>
    /// Once an e-mail is sent or given up, the delivery log keeps what happened (to whom, template,
    /// status, attempts, error) but not the text, which may hold a one-time link or personal details.
    /// A sent e-mail's text is kept until the round ends (the server may still refuse it at the end);
    /// one left by a killed process is forgotten when the sender starts again.
    /// </summary>
    private static Task<int> ForgetAsync(IQueryable<EmailDelivery> deliveries, CancellationToken ct) =>
        deliveries.ExecuteUpdateAsync(set => set.SetProperty(d => d.TextBody, "").SetProperty(d => d.HtmlBody, "").SetProperty(d => d.CalendarText, ""), ct);

    private static Task<int> ForgetSentAsync(NotificationsDbContext db, List<Guid> ids) =>
        ForgetAsync(db.EmailDeliveries.Where(d => ids.Contains(d.Id)), CancellationToken.None);

    /// <summary>Forgets the text of every e-mail no longer pending (after a process was killed mid-round).</summary>
    public async Task ForgetFinishedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        await ForgetAsync(db.EmailDeliveries.Where(d => d.Status != DeliveryStatus.Pending && (d.TextBody != "" || d.HtmlBody != "" || d.CalendarText != "")), ct);
    }

    /// <summary>Back to pending after a send that did not happen (the caller says what comes next), also in the row if it was recorded as sent.</summary>
    private static void Unsend(NotificationsDbContext db, EmailDelivery delivery, bool recorded)
    {
        delivery.Status = DeliveryStatus.Pending;
        delivery.SentAt = null;
        if (recorded)
        {
            db.Entry(delivery).Property(d => d.Status).IsModified = true;
            db.Entry(delivery).Property(d => d.SentAt).IsModified = true;
        }
    }

    private void Retry(NotificationsDbContext db, EmailDelivery delivery, string error)
    {
        delivery.LastError = DeliveryLog.Truncate(error);
        if (delivery.Attempts >= _options.MaxAttempts)
        {
            DeliveryLog.Fail(db, delivery, $"Given up after {delivery.Attempts} attempts: {error}", clock.GetUtcNow());
            Failed.Add(1);
            LogGaveUp(delivery.Id, delivery.Attempts, error);
            return;
        }
        delivery.NextAttemptAt = clock.GetUtcNow() + _options.DelayAfter(delivery.Attempts);
        Retried.Add(1);
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
        message.Body = delivery.CalendarMethod is { } method ? WithCalendar(delivery, method) : new BodyBuilder { TextBody = delivery.TextBody, HtmlBody = delivery.HtmlBody }.ToMessageBody();
        return message;
    }

    /// <summary>
    /// An e-mail with an iCalendar object, as calendar applications expect it (iMIP, RFC 6047): the text, the
    /// HTML and the object as <c>text/calendar; method=…</c> are three alternatives of one message, and the
    /// object is attached again as a file, for the clients that only open attachments.
    /// </summary>
    private static MimeEntity WithCalendar(EmailDelivery delivery, string method)
    {
        var calendar = new TextPart("calendar") { Text = delivery.CalendarText, ContentTransferEncoding = ContentEncoding.Base64 };
        calendar.ContentType.Parameters.Add("method", method);
        calendar.ContentType.Charset = "utf-8";
        var alternative = new MultipartAlternative
        {
            new TextPart("plain") { Text = delivery.TextBody },
            new TextPart("html") { Text = delivery.HtmlBody },
            calendar,
        };
        var file = new MimePart("application", "ics")
        {
            Content = new MimeContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(delivery.CalendarText))),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = method == EmailCalendar.Cancel ? "cancel.ics" : "invite.ics",
        };
        return new Multipart("mixed") { alternative, file };
    }


    [LoggerMessage(Level = LogLevel.Warning, Message = "E-mail {Id} not sent (attempt {Attempt}); will retry: {Error}")]
    private partial void LogRetrying(Guid id, int attempt, [ContactText] string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "E-mail {Id} given up after {Attempts} attempts: {Error}")]
    private partial void LogGaveUp(Guid id, int attempts, [ContactText] string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-mail {Id}: the SMTP server refused the address ({Status})")]
    private partial void LogRefused(Guid id, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An e-mail round failed; retrying")]
    private partial void LogRoundFailed(Exception ex);
}
