using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Invitations;

namespace PocDirectory.Meetings.IntegrationEvents;

/// <summary>
/// The Directory's count of the points of contact it e-mailed a letter or a meeting to: kept beside the letter
/// or the meeting for the Chair's office (a count, never an address). It does not change what the Chair's office
/// edits (no revision is raised).
/// </summary>
public sealed class PointsOfContactEmailedConsumer(MeetingsDbContext db) : IdempotentConsumer<PointsOfContactEmailed, MeetingsDbContext>(db)
{
    protected override async Task HandleAsync(PointsOfContactEmailed message, CancellationToken ct)
    {
        if (message.RequestedBy != ResourceNames.Meetings || message.Reference.Split('/') is not [var kind, var value] || !Guid.TryParse(value, out var id))
        {
            return;
        }
        if (kind == "letter" && PointsOfContactMail.LetterReference(id) == message.Reference)
        {
            await Db.Letters.Where(l => l.Id == id).ExecuteUpdateAsync(set => set.SetProperty(l => l.PointsOfContactReached, message.PointsOfContact), ct);
        }
        else if (kind == "meeting" && PointsOfContactMail.MeetingReference(id) == message.Reference)
        {
            // Only the answer to the latest request: answers to the requests of earlier versions may come after it.
            await Db.Meetings.Where(m => m.Id == id && m.PointsOfContactRequestId == message.RequestId)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.PointsOfContactReached, message.PointsOfContact), ct);
        }
    }
}
