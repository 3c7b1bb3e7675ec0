using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Letters;

namespace PocDirectory.Meetings.IntegrationEvents;

/// <summary>Marks a letter's copy that Notifications could not deliver, with why (shown to the Chair's office beside the mission).</summary>
public sealed class LetterUndeliverableConsumer(MeetingsDbContext db) : IdempotentConsumer<EmailUndeliverable, MeetingsDbContext>(db)
{
    protected override async Task HandleAsync(EmailUndeliverable message, CancellationToken ct)
    {
        if (message.RequestedBy != ResourceNames.Meetings)
        {
            return;
        }
        var recipient = await Db.LetterRecipients.SingleOrDefaultAsync(r => r.EmailId == message.EmailId, ct);
        if (recipient is null || recipient.Status == RecipientStatuses.Undeliverable)
        {
            return;
        }
        recipient.Status = RecipientStatuses.Undeliverable;
        recipient.Reason = message.Reason.Length <= 500 ? message.Reason : message.Reason[..500];
        recipient.StatusAt = message.At;
    }
}
