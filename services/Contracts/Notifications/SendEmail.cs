namespace PocDirectory.Contracts.Notifications;

/// <summary>
/// Asks Notifications to send one e-mail made from one of its templates. Notifications renders it
/// (plain text and HTML, values escaped in HTML), sends it over SMTP, retries with backoff and keeps a
/// delivery log. An <see cref="EmailId"/> is sent once, however often the command arrives.
/// </summary>
public sealed record SendEmail
{
    /// <summary>The sender's key for this e-mail: a repeat of the same id is ignored.</summary>
    public required Guid EmailId { get; init; }

    public required string To { get; init; }

    public string? ToName { get; init; }

    /// <summary>A template Notifications knows, e.g. <c>invitation</c>, <c>security-notice</c>.</summary>
    public required string Template { get; init; }

    /// <summary>The template's values, as plain text (Notifications escapes them for HTML).</summary>
    public required IReadOnlyDictionary<string, string> Values { get; init; }

    /// <summary>Resource name of the asking service, for the delivery log.</summary>
    public required string RequestedBy { get; init; }
}
