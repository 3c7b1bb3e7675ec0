using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.MemberStates;

namespace PocDirectory.BuildingBlocks.ReferenceData;

/// <summary>Upserts the copy; an event older than the held revision changes nothing.</summary>
public sealed class MemberStateCopyConsumer<TContext>(TContext db, TimeProvider clock)
    : IdempotentConsumer<MemberStatePublished, TContext>(db)
    where TContext : DbContext
{
    protected override async Task HandleAsync(MemberStatePublished message, CancellationToken cancellationToken)
    {
        var copies = Db.Set<MemberStateCopy>();
        var copy = await copies.FindAsync([message.Iso2], cancellationToken);
        if (copy is null)
        {
            copy = new MemberStateCopy { Iso2 = message.Iso2 };
            copies.Add(copy);
        }
        else if (copy.Revision > message.Revision)
        {
            return;
        }
        copy.Iso3 = message.Iso3;
        copy.Name = message.Name;
        copy.RegionalGroup = message.RegionalGroup;
        copy.UnStatus = message.UnStatus;
        copy.Revision = message.Revision;
        copy.ReceivedAt = clock.GetUtcNow();
    }
}
