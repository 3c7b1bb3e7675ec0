using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Notifications.Email;
using PocDirectory.Notifications.Infrastructure;
using PocDirectory.Notifications.Model;

namespace PocDirectory.Notifications.IntegrationEvents;

/// <summary>
/// Records the e-mail, rendered, in the delivery log, in the same transaction as the inbox row;
/// <see cref="EmailSender"/> sends it. The same EmailId twice (a redelivery, or a sender that asked
/// again) leaves one e-mail.
/// </summary>
public sealed class SendEmailConsumer(NotificationsDbContext db, EmailTemplates templates, TimeProvider clock)
    : IdempotentConsumer<SendEmail, NotificationsDbContext>(db)
{
    protected override async Task HandleAsync(SendEmail message, CancellationToken cancellationToken)
    {
        if (await Db.EmailDeliveries.FindAsync([message.EmailId], cancellationToken) is not null)
        {
            return;
        }
        DeliveryLog.Record(Db, templates, message, clock.GetUtcNow());
    }
}

/// <summary>Records a batch of e-mails in one transaction; those already in the log are left as they are.</summary>
public sealed class SendEmailBatchConsumer(NotificationsDbContext db, EmailTemplates templates, TimeProvider clock)
    : IdempotentConsumer<SendEmailBatch, NotificationsDbContext>(db)
{
    protected override async Task HandleAsync(SendEmailBatch message, CancellationToken cancellationToken)
    {
        var ids = message.Emails.Select(e => e.EmailId).ToList();
        var known = (await Db.EmailDeliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).Select(d => d.Id).ToListAsync(cancellationToken)).ToHashSet();
        var now = clock.GetUtcNow();
        foreach (var email in message.Emails.DistinctBy(e => e.EmailId))
        {
            if (known.Add(email.EmailId))
            {
                DeliveryLog.Record(Db, templates, email, now);
            }
        }
    }
}

/// <summary>Adds one e-mail to the delivery log, rendered; one that can never be sent is failed at once, and said so.</summary>
public static class DeliveryLog
{
    public static void Record(NotificationsDbContext db, EmailTemplates templates, SendEmail message, DateTimeOffset now)
    {
        var delivery = new EmailDelivery
        {
            Id = message.EmailId,
            To = message.To.Trim(),
            ToName = message.ToName,
            Template = message.Template,
            RequestedBy = message.RequestedBy,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        if (!MimeKit.MailboxAddress.TryParse(delivery.To, out _) || !delivery.To.Contains('@'))
        {
            Fail(db, delivery, $"'{delivery.To}' is not an e-mail address.", now);
        }
        else if (!templates.Exists(message.Template))
        {
            Fail(db, delivery, $"No e-mail template '{message.Template}'.", now);
        }
        else
        {
            var rendered = templates.Render(message.Template, message.Values);
            (delivery.Subject, delivery.TextBody, delivery.HtmlBody) = (rendered.Subject, rendered.Text, rendered.Html);
        }
        db.EmailDeliveries.Add(delivery);
    }

    /// <summary>An error as the log keeps it: at most 2,000 characters.</summary>
    public static string Truncate(string error) => error.Length <= 2000 ? error : error[..2000];

    /// <summary>Never to be sent: recorded as failed, and the asking service told (in the same transaction).</summary>
    public static void Fail(NotificationsDbContext db, EmailDelivery delivery, string error, DateTimeOffset now)
    {
        delivery.Status = DeliveryStatus.Failed;
        delivery.LastError = Truncate(error);
        delivery.TextBody = "";
        delivery.HtmlBody = "";
        db.AddIntegrationEvent(new EmailUndeliverable
        {
            EmailId = delivery.Id,
            To = delivery.To,
            RequestedBy = delivery.RequestedBy,
            Reason = delivery.LastError,
            At = now,
        });
    }
}
