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

    /// <summary>An iCalendar object to go with the text (an invitation, its update or its cancellation), or none.</summary>
    public EmailCalendar? Calendar { get; init; }
}

/// <summary>
/// An iTIP message (RFC 5546) sent by e-mail (iMIP, RFC 6047): the text of one iCalendar object and its
/// METHOD, which the MIME part repeats (<c>text/calendar; method=REQUEST</c>) so that mail clients offer
/// to apply it. Notifications checks that the text's METHOD is this one.
/// </summary>
public sealed record EmailCalendar
{
    public const string Request = "REQUEST";
    public const string Cancel = "CANCEL";
    public const string Publish = "PUBLISH";

    /// <summary>The most characters one calendar object may hold.</summary>
    public const int MaxLength = 64 * 1024;

    public required string Method { get; init; }

    public required string Text { get; init; }
}
