using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.MemberStates;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.Model;

namespace PocDirectory.Directory.IntegrationEvents;

/// <summary>Answers a service's request for a full copy with one event per State.</summary>
public sealed class MemberStateCopyRequestedConsumer(DirectoryDbContext db)
    : IdempotentConsumer<MemberStateCopyRequested, DirectoryDbContext>(db)
{
    protected override async Task HandleAsync(MemberStateCopyRequested message, CancellationToken cancellationToken)
    {
        var states = await Db.MemberStates.AsNoTracking().OrderBy(s => s.Iso2).ToListAsync(cancellationToken);
        foreach (var state in states)
        {
            Db.AddIntegrationEvent(ToEvent(state));
        }
    }

    public static MemberStatePublished ToEvent(MemberState state) => new()
    {
        Iso2 = state.Iso2,
        Iso3 = state.Iso3,
        Name = state.Name,
        RegionalGroup = state.RegionalGroup.ToString(),
        UnStatus = state.UnStatus.ToString(),
        Revision = state.Revision,
    };
}
