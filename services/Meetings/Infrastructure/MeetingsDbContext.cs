using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Infrastructure;

public sealed class MeetingsDbContext(DbContextOptions<MeetingsDbContext> options) : DbContext(options)
{
    public DbSet<MemberStateCopy> MemberStates => Set<MemberStateCopy>();

    public DbSet<Meeting> Meetings => Set<Meeting>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.AddMemberStateCopy();
        modelBuilder.Entity<Meeting>(meeting =>
        {
            meeting.ToTable("meetings");
            meeting.HasKey(m => m.Id);
            meeting.Property(m => m.Kind).HasMaxLength(40);
            meeting.Property(m => m.Title).HasMaxLength(MeetingRequest.TitleLength);
            meeting.Property(m => m.Format).HasMaxLength(20);
            meeting.Property(m => m.Room).HasMaxLength(MeetingRequest.RoomLength);
            meeting.Property(m => m.Status).HasMaxLength(20);
            meeting.Property(m => m.SeedKey).HasMaxLength(80);
            meeting.Property(m => m.Revision).IsConcurrencyToken();
            meeting.Ignore(m => m.IsPublic);
            meeting.ComplexProperty(m => m.Time, time =>
            {
                time.Property(t => t.Precision).HasColumnName("time_precision").HasMaxLength(10);
                time.Property(t => t.StartDate).HasColumnName("start_date");
                time.Property(t => t.EndDate).HasColumnName("end_date");
                time.Property(t => t.EndApproximate).HasColumnName("end_approximate");
                time.Property(t => t.StartTime).HasColumnName("start_time");
                time.Property(t => t.EndTime).HasColumnName("end_time");
                time.Property(t => t.Week).HasColumnName("week");
                time.Property(t => t.Zone).HasColumnName("time_zone").HasMaxLength(64);
                time.Ignore(t => t.TimeZone);
                time.Ignore(t => t.Days);
                time.Ignore(t => t.Instants);
            });
            meeting.HasIndex(m => m.StartsAt);
            meeting.HasIndex(m => m.SeedKey).IsUnique();
        });
    }
}
