namespace PocDirectory.BuildingBlocks.Messaging;

/// <summary>Records that a consumer has applied a message, so a redelivery is not applied again.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; set; }

    /// <summary>The consumer's type name: two consumers in one service each apply the message once.</summary>
    public string Consumer { get; set; } = "";

    public DateTimeOffset ProcessedAt { get; set; }
}
