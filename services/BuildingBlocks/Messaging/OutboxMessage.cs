using System.Diagnostics;
using System.Text.Json;
using MassTransit;

namespace PocDirectory.BuildingBlocks.Messaging;

/// <summary>
/// An integration event stored in the same transaction as the change that caused it, and relayed to
/// RabbitMQ afterwards by <see cref="OutboxDispatcher{TContext}"/>.
/// </summary>
// Hand-written: MassTransit's own EF Core outbox and inbox (MassTransit.EntityFrameworkCore) are not in the package registry.
public sealed class OutboxMessage
{
    public long Id { get; private set; }

    /// <summary>The MassTransit message id; consumers' inboxes deduplicate on it.</summary>
    public Guid MessageId { get; private set; }

    /// <summary>"Full.Type.Name, Assembly", resolvable with <see cref="Type.GetType(string)"/>.</summary>
    public string MessageType { get; private set; } = "";

    public string Body { get; private set; } = "";

    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>
    /// The W3C trace context of the change that caused the event (null when it was not traced), so
    /// that its relay to RabbitMQ and its consumers join the request's trace.
    /// </summary>
    public string? TraceParent { get; private set; }

    public DateTimeOffset? SentAt { get; internal set; }

    /// <summary>
    /// Confirmed by the broker: the row stays (for operators, until retention removes it) without its
    /// content, which may hold personal data or a one-time link.
    /// </summary>
    internal void MarkSent(DateTimeOffset at)
    {
        SentAt = at;
        Body = "{}";
    }

    /// <summary>Set when the message can never be sent (its type no longer exists); operators see it.</summary>
    public DateTimeOffset? FailedAt { get; internal set; }

    public int Attempts { get; internal set; }

    public string? LastError { get; internal set; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage Create<T>(T message, TimeProvider? clock = null) where T : class
    {
        var type = message.GetType();
        return new OutboxMessage
        {
            MessageId = NewId.NextGuid(),
            MessageType = TypeName(type),
            Body = JsonSerializer.Serialize(message, type, Json),
            OccurredAt = (clock ?? TimeProvider.System).GetUtcNow(),
            TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current ? current.Id : null,
        };
    }

    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public object Deserialize(out Type type)
    {
        type = Type.GetType(MessageType, throwOnError: false)
            ?? throw new OutboxPoisonException($"Message type '{MessageType}' cannot be resolved.");
        try
        {
            return JsonSerializer.Deserialize(Body, type, Json)
                ?? throw new OutboxPoisonException("Message body is null.");
        }
        catch (JsonException ex)
        {
            throw new OutboxPoisonException($"Message body does not match '{MessageType}': {ex.Message}");
        }
    }
}

/// <summary>A stored message that no retry can ever send.</summary>
public sealed class OutboxPoisonException(string message) : Exception(message);
