using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Directory.PointsOfContact;
using PocDirectory.Directory.Model;
using PocDirectory.Directory.Reachability;

namespace PocDirectory.Directory.Infrastructure;

public sealed class DirectoryDbContext(DbContextOptions<DirectoryDbContext> options) : DbContext(options)
{
    public DbSet<MemberState> MemberStates => Set<MemberState>();
    public DbSet<PocEntry> Entries => Set<PocEntry>();
    public DbSet<PocEntryVersion> EntryVersions => Set<PocEntryVersion>();
    public DbSet<PocChange> Changes => Set<PocChange>();
    public DbSet<PingCampaign> PingCampaigns => Set<PingCampaign>();
    public DbSet<PingRecipient> PingRecipients => Set<PingRecipient>();
    public DbSet<PingLink> PingLinks => Set<PingLink>();
    public DbSet<StateUpdateStatus> StateUpdates => Set<StateUpdateStatus>();

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
            e.HasIndex(p => p.WithdrawnAt).HasFilter("\"DetailsRemovedAt\" IS NULL AND \"Status\" = 'Withdrawn'");
            e.Property(p => p.Reachability).HasMaxLength(20).HasDefaultValue(ReachabilityStatus.Pending);
        });
        modelBuilder.Entity<PingCampaign>(e =>
        {
            e.ToTable("ping_campaigns");
            e.HasKey(c => c.Id);
            e.Property(c => c.Scope).HasJsonColumn();
            e.Property(c => c.ReminderHours).HasJsonColumn();
            e.Property(c => c.StartedBy).HasMaxLength(200);
            e.Property(c => c.StartedByName).HasMaxLength(200);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.RowVersion).IsRowVersion();
            e.HasIndex(c => new { c.Status, c.NextDueAt });
        });
        modelBuilder.Entity<PingRecipient>(e =>
        {
            e.ToTable("ping_recipients");
            e.HasKey(r => new { r.CampaignId, r.PocId });
            e.Property(r => r.State).HasMaxLength(3).IsFixedLength();
            e.Property(r => r.RegionalGroup).HasMaxLength(40);
            e.Property(r => r.Type).HasMaxLength(20);
            e.Property(r => r.FullName).HasMaxLength(200);
            e.Property(r => r.Email).HasMaxLength(320);
            e.Property(r => r.AcknowledgedVia).HasMaxLength(10);
            e.Property(r => r.UndeliverableReason).HasMaxLength(500);
            e.HasIndex(r => r.PocId);
        });
        modelBuilder.Entity<PingLink>(e =>
        {
            e.ToTable("ping_links");
            e.HasKey(l => l.TokenHash);
            e.HasIndex(l => l.EmailId);
            e.HasIndex(l => new { l.CampaignId, l.PocId });
        });
        modelBuilder.Entity<StateUpdateStatus>(e =>
        {
            e.ToTable("state_update_requests");
            e.HasKey(s => s.State);
            e.Property(s => s.State).HasMaxLength(3).IsFixedLength();
            e.Property(s => s.Status).HasMaxLength(20);
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
