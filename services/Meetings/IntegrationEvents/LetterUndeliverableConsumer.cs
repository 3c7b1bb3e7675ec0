using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Invitations;
using PocDirectory.Meetings.Letters;

namespace PocDirectory.Meetings.IntegrationEvents;

/// <summary>
/// Marks a letter's copy, or an invitation's latest e-mail, that Notifications could not deliver, with why
/// (shown to the Chair's office beside the mission).
/// </summary>
public sealed class LetterUndeliverableConsumer(MeetingsDbContext db) : IdempotentConsumer<EmailUndeliverable, MeetingsDbContext>(db)
{
    protected override async Task HandleAsync(EmailUndeliverable message, CancellationToken ct)
    {
        if (message.RequestedBy != ResourceNames.Meetings)
        {
            return;
        }
        var reason = message.Reason.Length <= 500 ? message.Reason : message.Reason[..500];
        // Only while that e-mail is still the invitee's last one: an update sent meanwhile has its own fate.
        if (await Db.Invitees.Where(i => i.LastEmailId == message.EmailId)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.Status, InviteeStatuses.Undeliverable).SetProperty(i => i.Reason, reason), ct) > 0)
        {
            return;
        }
        var recipient = await Db.LetterRecipients.SingleOrDefaultAsync(r => r.EmailId == message.EmailId, ct);
        if (recipient is null || recipient.Status == RecipientStatuses.Undeliverable)
        {
            return;
        }
        recipient.Status = RecipientStatuses.Undeliverable;
        recipient.Reason = reason;
        recipient.StatusAt = message.At;
    }
}
