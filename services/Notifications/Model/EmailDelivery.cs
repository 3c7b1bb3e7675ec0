namespace PocDirectory.Notifications.Model;

public enum DeliveryStatus
{
    /// <summary>Waiting for its first or next attempt.</summary>
    Pending,
    /// <summary>The SMTP server accepted it.</summary>
    Sent,
    /// <summary>Never to be sent: the server refused the address, the attempts ran out, or the template is unknown.</summary>
    Failed,
}

/// <summary>One e-mail and what became of it: the delivery log.</summary>
public sealed class EmailDelivery
{
    /// <summary>The <c>SendEmail.EmailId</c>; also the Message-ID's local part, so a repeat is recognisable.</summary>
    public Guid Id { get; set; }

    public required string To { get; set; }

    public string? ToName { get; set; }

    public required string Template { get; set; }

    public required string RequestedBy { get; set; }

    public string Subject { get; set; } = "";

    public string TextBody { get; set; } = "";

    public string HtmlBody { get; set; } = "";

    /// <summary>The METHOD of the iCalendar object sent with the text (REQUEST, CANCEL, PUBLISH), or none.</summary>
    public string? CalendarMethod { get; set; }

    /// <summary>The iCalendar object; forgotten with the text once the e-mail is sent or given up.</summary>
    public string CalendarText { get; set; } = "";

    public DeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>
/// A withdrawn point of contact's address, kept until the retention period has passed; then the e-mails sent to it
/// before the withdrawal lose their address, names and contents (<c>WithdrawnDetailsRemoval</c>), and the row goes.
/// </summary>
public sealed class WithdrawnAddress
{
    public Guid PocId { get; set; }

    public required string Email { get; set; }

    public DateTimeOffset WithdrawnAt { get; set; }
}
