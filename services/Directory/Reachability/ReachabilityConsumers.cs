using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Nominations;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.PointsOfContact;

namespace PocDirectory.Directory.Reachability;

/// <summary>
/// A ping e-mail the mail server refused: its recipient is undeliverable at once (unless it already
/// answered), and so is its entry. E-mails of other services, or not of a ping, are ignored.
/// </summary>
public sealed class EmailUndeliverableConsumer(DirectoryDbContext db, DirectoryGeneration generation)
    : IdempotentConsumer<EmailUndeliverable, DirectoryDbContext>(db)
{
    private bool _changed;

    protected override async Task HandleAsync(EmailUndeliverable message, CancellationToken ct)
    {
        if (message.RequestedBy != ResourceNames.Directory)
        {
            return;
        }
        var link = await Db.PingLinks.AsNoTracking().Where(l => l.EmailId == message.EmailId).Select(l => new { l.CampaignId, l.PocId }).FirstOrDefaultAsync(ct);
        if (link is null)
        {
            return;
        }
        var recipient = await Db.PingRecipients.SingleAsync(r => r.CampaignId == link.CampaignId && r.PocId == link.PocId, ct);
        if (recipient.AcknowledgedAt is not null || recipient.UndeliverableAt is not null)
        {
            return;
        }
        recipient.UndeliverableAt = message.At;
        recipient.UndeliverableReason = message.Reason.Length <= 500 ? message.Reason : message.Reason[..500];
        recipient.Missed = false;
        await Db.Entries.Where(e => e.PocId == link.PocId)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.Reachability, ReachabilityStatus.Undeliverable), ct);
        _changed = true;
    }

    protected override async Task AfterCommitAsync(EmailUndeliverable message, CancellationToken cancellationToken)
    {
        if (_changed)
        {
            await generation.ReachabilityChangedAsync();
        }
    }
}

/// <summary>Keeps each State's latest periodic update request, so the directory can flag the overdue ones.</summary>
public sealed class UpdateRequestStatusChangedConsumer(DirectoryDbContext db, DirectoryGeneration generation)
    : IdempotentConsumer<UpdateRequestStatusChanged, DirectoryDbContext>(db)
{
    private bool _changed;

    protected override async Task HandleAsync(UpdateRequestStatusChanged message, CancellationToken ct)
    {
        var current = await Db.StateUpdates.SingleOrDefaultAsync(s => s.State == message.State, ct);
        if (current is not null && current.At >= message.At)
        {
            return; // a later status is already kept
        }
        if (current is null)
        {
            current = new StateUpdateStatus { State = message.State };
            Db.StateUpdates.Add(current);
        }
        current.RequestId = message.RequestId;
        current.Status = message.Status;
        current.RequestedAt = message.RequestedAt;
        current.At = message.At;
        _changed = true;
    }

    protected override async Task AfterCommitAsync(UpdateRequestStatusChanged message, CancellationToken cancellationToken)
    {
        if (_changed)
        {
            await generation.ReachabilityChangedAsync();
        }
    }
}
