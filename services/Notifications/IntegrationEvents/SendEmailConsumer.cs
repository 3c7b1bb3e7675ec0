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
        else if (message.Calendar is { } calendar && CalendarError(calendar) is { } error)
        {
            Fail(db, delivery, error, now);
        }
        else
        {
            var rendered = templates.Render(message.Template, message.Values);
            (delivery.Subject, delivery.TextBody, delivery.HtmlBody) = (rendered.Subject, rendered.Text, rendered.Html);
            (delivery.CalendarMethod, delivery.CalendarText) = (message.Calendar?.Method, message.Calendar?.Text ?? "");
        }
        db.EmailDeliveries.Add(delivery);
    }

    /// <summary>Why a calendar object cannot go out as asked: an unknown method, too long, or a text whose METHOD differs.</summary>
    public static string? CalendarError(EmailCalendar calendar)
    {
        if (calendar.Method is not (EmailCalendar.Request or EmailCalendar.Cancel or EmailCalendar.Publish))
        {
            return $"'{Truncate(calendar.Method)}' is not a calendar method this service sends (REQUEST, CANCEL or PUBLISH).";
        }
        if (calendar.Text.Length > EmailCalendar.MaxLength)
        {
            return $"The calendar object is {calendar.Text.Length} characters long; at most {EmailCalendar.MaxLength} are sent.";
        }
        // The MIME part says the method again, and a mail client acts on the part's word: the two must agree.
        var methods = calendar.Text.Split(["\r\n", "\n"], StringSplitOptions.None).Where(l => l.StartsWith("METHOD:", StringComparison.OrdinalIgnoreCase)).ToList();
        return methods.Count == 1 && methods[0]["METHOD:".Length..] == calendar.Method && calendar.Text.StartsWith("BEGIN:VCALENDAR", StringComparison.Ordinal)
            ? null
            : $"The calendar object is not one VCALENDAR with METHOD:{calendar.Method}.";
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
        delivery.CalendarText = "";
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
