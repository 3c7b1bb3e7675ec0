using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Nominations.Model;

namespace PocDirectory.Nominations.Infrastructure;

public sealed class NominationsDbContext(DbContextOptions<NominationsDbContext> options) : DbContext(options)
{
    public DbSet<MemberStateCopy> MemberStates => Set<MemberStateCopy>();
    public DbSet<Nomination> Nominations => Set<Nomination>();
    public DbSet<NominationVersion> NominationVersions => Set<NominationVersion>();
    public DbSet<NominationEvent> NominationEvents => Set<NominationEvent>();
    public DbSet<ListedPoc> ListedPocs => Set<ListedPoc>();
    public DbSet<UpdateRequestSchedule> UpdateRequestSchedules => Set<UpdateRequestSchedule>();
    public DbSet<UpdateRequest> UpdateRequests => Set<UpdateRequest>();
    public DbSet<UpdateRequestEntry> UpdateRequestEntries => Set<UpdateRequestEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.AddMemberStateCopy();
        modelBuilder.Entity<Nomination>(e =>
        {
            e.ToTable("nominations");
            e.HasKey(n => n.Id);
            e.Property(n => n.State).HasMaxLength(3).IsFixedLength();
            e.Property(n => n.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(n => n.Status).HasConversion<string>().HasMaxLength(30);
            e.Property(n => n.Draft).HasJsonColumn();
            e.Property(n => n.Submitted).HasJsonColumn();
            e.Property(n => n.CreatedBy).HasMaxLength(200);
            e.Property(n => n.CreatedByName).HasMaxLength(200);
            e.Property(n => n.CreatedByEmail).HasMaxLength(256);
            e.Property(n => n.NomineeEmail).HasMaxLength(256);
            e.Property(n => n.ConfirmedEmail).HasMaxLength(256);
            e.HasIndex(n => n.NomineeEmail);
            e.Property(n => n.DecidedBy).HasMaxLength(200);
            e.Property(n => n.DecisionReason).HasMaxLength(2000);
            e.Property(n => n.RowVersion).IsRowVersion();
            e.HasIndex(n => n.ConfirmationTokenHash).IsUnique().HasFilter("\"ConfirmationTokenHash\" IS NOT NULL");
            e.HasIndex(n => new { n.State, n.Status });
            e.HasIndex(n => n.SubmittedAt).HasFilter("\"Status\" = 'PendingReview'").HasDatabaseName("ix_nominations_review_queue");
            // One change at a time per point of contact: a second open nomination for the same person is refused.
            e.HasIndex(n => n.PocId).IsUnique()
                .HasFilter("\"Status\" IN ('Draft', 'AwaitingConfirmation', 'PendingReview', 'Returned')")
                .HasDatabaseName("ux_nominations_one_open_per_poc");
        });
        modelBuilder.Entity<NominationVersion>(e =>
        {
            e.ToTable("nomination_versions");
            e.HasKey(v => new { v.NominationId, v.Revision });
            e.Property(v => v.Details).HasJsonColumn();
            e.Property(v => v.SubmittedBy).HasMaxLength(200);
            e.Property(v => v.SubmittedByName).HasMaxLength(200);
        });
        modelBuilder.Entity<NominationEvent>(e =>
        {
            e.ToTable("nomination_events");
            e.HasKey(v => v.Id);
            e.Property(v => v.Id).UseIdentityAlwaysColumn();
            e.HasIndex(v => v.NominationId);
            e.Property(v => v.Actor).HasMaxLength(200);
            e.Property(v => v.ActorName).HasMaxLength(200);
            e.Property(v => v.Action).HasMaxLength(50);
            e.Property(v => v.Detail).HasMaxLength(2000);
        });
        modelBuilder.Entity<ListedPoc>(e =>
        {
            e.ToTable("listed_pocs");
            e.HasKey(p => p.PocId);
            e.Property(p => p.State).HasMaxLength(3).IsFixedLength();
            e.HasIndex(p => p.State);
            e.Property(p => p.Email).HasMaxLength(256);
            e.HasIndex(p => p.Email);
            e.Property(p => p.Details).HasJsonColumn();
            e.Property(p => p.WithdrawnBy).HasMaxLength(200);
            e.Property(p => p.WithdrawalReason).HasMaxLength(2000);
            e.HasIndex(p => p.WithdrawnAt).HasFilter("\"DetailsRemovedAt\" IS NULL AND \"WithdrawnAt\" IS NOT NULL");
        });
        modelBuilder.Entity<UpdateRequestSchedule>(e =>
        {
            e.ToTable("update_request_schedule");
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).ValueGeneratedNever();
            e.Property(s => s.RowVersion).IsRowVersion();
        });
        modelBuilder.Entity<UpdateRequest>(e =>
        {
            e.ToTable("update_requests");
            e.HasKey(r => r.Id);
            e.Property(r => r.State).HasMaxLength(3).IsFixedLength();
            e.Property(r => r.Status).HasMaxLength(20);
            e.Property(r => r.RequestedBy).HasMaxLength(200);
            e.Property(r => r.AnsweredBy).HasMaxLength(200);
            e.Property(r => r.RowVersion).IsRowVersion();
            e.HasIndex(r => new { r.State, r.RequestedAt });
            e.HasIndex(r => r.RequestedAt).HasFilter("\"Status\" = 'open'").HasDatabaseName("ix_update_requests_due");
            // One request at a time per State: a new round closes the earlier one first.
            e.HasIndex(r => r.State).IsUnique()
                .HasFilter("\"Status\" IN ('open', 'overdue')")
                .HasDatabaseName("ux_update_requests_one_open_per_state");
            e.HasMany(r => r.Entries).WithOne().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<UpdateRequestEntry>(e =>
        {
            e.ToTable("update_request_entries");
            e.HasKey(x => new { x.RequestId, x.PocId });
            e.HasIndex(x => x.PocId);
            e.Property(x => x.FullName).HasMaxLength(200);
            e.Property(x => x.Type).HasMaxLength(20);
            e.Property(x => x.ConfirmedBy).HasMaxLength(200);
            e.Property(x => x.Outcome).HasMaxLength(20);
        });
    }
}
