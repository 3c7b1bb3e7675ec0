using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Directory.PointsOfContact;
using PocDirectory.Directory.Model;

namespace PocDirectory.Directory.Infrastructure;

public sealed class DirectoryDbContext(DbContextOptions<DirectoryDbContext> options) : DbContext(options)
{
    public DbSet<MemberState> MemberStates => Set<MemberState>();
    public DbSet<PocEntry> Entries => Set<PocEntry>();
    public DbSet<PocEntryVersion> EntryVersions => Set<PocEntryVersion>();
    public DbSet<PocChange> Changes => Set<PocChange>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<PocEntry>(e =>
        {
            e.ToTable("poc_entries");
            e.HasKey(p => p.PocId);
            e.Property(p => p.State).HasMaxLength(3).IsFixedLength();
            e.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.Details).HasJsonColumn();
            e.HasIndex(p => p.ChangeSequence);
            e.HasIndex(p => p.State);
        });
        modelBuilder.Entity<PocEntryVersion>(e =>
        {
            e.ToTable("poc_entry_versions");
            e.HasKey(v => new { v.PocId, v.Version });
            e.Property(v => v.Kind).HasMaxLength(20);
            e.Property(v => v.Details).HasJsonColumn();
            e.Property(v => v.ChangedFields).HasMaxLength(500);
            e.Property(v => v.SubmittedBy).HasMaxLength(200);
            e.Property(v => v.Actor).HasMaxLength(200);
            e.Property(v => v.Reason).HasMaxLength(2000);
        });
        modelBuilder.Entity<PocChange>(e =>
        {
            e.ToTable("poc_changes");
            e.HasKey(c => c.Sequence);
            e.Property(c => c.Sequence).UseIdentityAlwaysColumn();
            e.Property(c => c.State).HasMaxLength(3).IsFixedLength();
            e.Property(c => c.Kind).HasMaxLength(20);
        });
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
