using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Directory.Model;

namespace PocDirectory.Directory.Infrastructure;

public sealed class DirectoryDbContext(DbContextOptions<DirectoryDbContext> options) : DbContext(options)
{
    public DbSet<MemberState> MemberStates => Set<MemberState>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<MemberState>(e =>
        {
            e.ToTable("member_states");
            e.HasKey(s => s.Iso2);
            e.Property(s => s.Iso2).HasMaxLength(2).IsFixedLength();
            e.Property(s => s.Iso3).HasMaxLength(3).IsFixedLength();
            e.HasIndex(s => s.Iso3).IsUnique();
            e.Property(s => s.Name).HasMaxLength(200);
            e.HasIndex(s => s.Name).IsUnique();
            e.Property(s => s.RegionalGroup).HasConversion<string>().HasMaxLength(40);
            e.Property(s => s.UnStatus).HasConversion<string>().HasMaxLength(20);
            e.HasData(MemberStateCatalog.All.Select(s => new MemberState
            {
                Iso2 = s.Iso2,
                Iso3 = s.Iso3,
                Name = s.Name,
                RegionalGroup = s.Group,
                UnStatus = s.Status,
            }));
        });
    }
}
