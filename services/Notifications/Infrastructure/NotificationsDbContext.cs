using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Notifications.Model;

namespace PocDirectory.Notifications.Infrastructure;

public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options)
{
    public DbSet<MemberStateCopy> MemberStates => Set<MemberStateCopy>();

    public DbSet<EmailDelivery> EmailDeliveries => Set<EmailDelivery>();

    public DbSet<WithdrawnAddress> WithdrawnAddresses => Set<WithdrawnAddress>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.AddMemberStateCopy();
        modelBuilder.Entity<EmailDelivery>(e =>
        {
            e.ToTable("email_deliveries");
            e.Property(d => d.Id).HasColumnName("id");
            e.Property(d => d.To).HasColumnName("to_address").HasMaxLength(320);
            e.Property(d => d.ToName).HasColumnName("to_name").HasMaxLength(300);
            e.Property(d => d.Template).HasColumnName("template").HasMaxLength(64);
            e.Property(d => d.RequestedBy).HasColumnName("requested_by").HasMaxLength(64);
            e.Property(d => d.Subject).HasColumnName("subject");
            e.Property(d => d.TextBody).HasColumnName("text_body");
            e.Property(d => d.HtmlBody).HasColumnName("html_body");
            e.Property(d => d.CalendarMethod).HasColumnName("calendar_method").HasMaxLength(16);
            e.Property(d => d.CalendarText).HasColumnName("calendar_text");
            e.Property(d => d.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
            e.Property(d => d.Attempts).HasColumnName("attempts");
            e.Property(d => d.NextAttemptAt).HasColumnName("next_attempt_at");
            e.Property(d => d.LastError).HasColumnName("last_error");
            e.Property(d => d.CreatedAt).HasColumnName("created_at");
            e.Property(d => d.SentAt).HasColumnName("sent_at");
            // The sender's query: what is pending and due.
            e.HasIndex(d => new { d.Status, d.NextAttemptAt });
            // The retention's query, lower(to_address), is indexed by the migration WithdrawnAddresses.
        });
        modelBuilder.Entity<WithdrawnAddress>(e =>
        {
            e.ToTable("withdrawn_addresses");
            e.HasKey(w => w.PocId);
            e.Property(w => w.PocId).HasColumnName("poc_id");
            e.Property(w => w.Email).HasColumnName("email").HasMaxLength(320);
            e.Property(w => w.WithdrawnAt).HasColumnName("withdrawn_at");
            e.HasIndex(w => w.WithdrawnAt);
        });
    }
}
