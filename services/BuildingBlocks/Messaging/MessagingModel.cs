using Microsoft.EntityFrameworkCore;

namespace PocDirectory.BuildingBlocks.Messaging;

public static class MessagingModel
{
    public const string OutboxTable = "outbox_messages";
    public const string InboxTable = "inbox_messages";

    /// <summary>Adds the outbox and inbox tables to a service's model (call from OnModelCreating).</summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder model)
    {
        model.Entity<OutboxMessage>(e =>
        {
            e.ToTable(OutboxTable);
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(m => m.MessageId).HasColumnName("message_id");
            e.HasIndex(m => m.MessageId).IsUnique();
            e.Property(m => m.MessageType).HasColumnName("message_type").HasMaxLength(500);
            e.Property(m => m.Body).HasColumnName("body").HasColumnType("jsonb");
            e.Property(m => m.OccurredAt).HasColumnName("occurred_at");
            e.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(55);
            e.Property(m => m.SentAt).HasColumnName("sent_at");
            e.Property(m => m.FailedAt).HasColumnName("failed_at");
            e.Property(m => m.Attempts).HasColumnName("attempts");
            e.Property(m => m.LastError).HasColumnName("last_error").HasMaxLength(2000);
            // The dispatcher only ever looks for unsent rows in order.
            e.HasIndex(m => m.Id).HasFilter("sent_at IS NULL AND failed_at IS NULL").HasDatabaseName("ix_outbox_pending");
        });
        model.Entity<InboxMessage>(e =>
        {
            e.ToTable(InboxTable);
            e.HasKey(m => new { m.MessageId, m.Consumer });
            e.Property(m => m.MessageId).HasColumnName("message_id");
            e.Property(m => m.Consumer).HasColumnName("consumer").HasMaxLength(300);
            e.Property(m => m.ProcessedAt).HasColumnName("processed_at");
            e.HasIndex(m => m.ProcessedAt);
        });
        return model;
    }

    /// <summary>
    /// Stores an integration event in the outbox; it is sent only if the surrounding
    /// <see cref="DbContext.SaveChangesAsync(CancellationToken)"/> (and transaction) commits.
    /// </summary>
    public static OutboxMessage AddIntegrationEvent<T>(this DbContext db, T message) where T : class
    {
        var entry = OutboxMessage.Create(message);
        db.Set<OutboxMessage>().Add(entry);
        return entry;
    }
}
