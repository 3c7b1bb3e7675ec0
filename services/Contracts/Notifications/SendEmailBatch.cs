namespace PocDirectory.Contracts.Notifications;

/// <summary>
/// Many <see cref="SendEmail"/> at once (a ping campaign, its reminders): Notifications records them
/// in one transaction. Each e-mail keeps its own <see cref="SendEmail.EmailId"/>, so a batch sent
/// again, or an e-mail that also came alone, is still sent once.
/// </summary>
public sealed record SendEmailBatch
{
    public required IReadOnlyList<SendEmail> Emails { get; init; }

    /// <summary>The most e-mails one batch may hold; a sender splits larger sets.</summary>
    public const int MaxSize = 500;

    /// <summary>The most e-mails a batch holds when each carries a calendar object (up to 64 KB each): a sender splits by this then.</summary>
    public const int MaxSizeWithCalendars = 100;
}
