using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;

namespace PocDirectory.Nominations.Infrastructure;

public sealed class NominationsDbContext(DbContextOptions<NominationsDbContext> options) : DbContext(options)
{
    public DbSet<MemberStateCopy> MemberStates => Set<MemberStateCopy>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.AddMemberStateCopy();
    }
}
