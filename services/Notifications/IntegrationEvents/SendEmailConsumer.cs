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
        var now = clock.GetUtcNow();
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
            Fail(delivery, $"'{delivery.To}' is not an e-mail address.");
        }
        else if (!templates.Exists(message.Template))
        {
            Fail(delivery, $"No e-mail template '{message.Template}'.");
        }
        else
        {
            var rendered = templates.Render(message.Template, message.Values);
            (delivery.Subject, delivery.TextBody, delivery.HtmlBody) = (rendered.Subject, rendered.Text, rendered.Html);
        }
        Db.EmailDeliveries.Add(delivery);
    }

    private static void Fail(EmailDelivery delivery, string error)
    {
        delivery.Status = DeliveryStatus.Failed;
        delivery.LastError = error;
    }
}
