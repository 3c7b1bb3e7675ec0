namespace PocDirectory.Notifications.Email;

public sealed class EmailOptions
{
    /// <summary>The sender of every e-mail.</summary>
    public string From { get; set; } = "Points of Contact Directory <no-reply@pocdirectory.example>";

    /// <summary>Attempts before an e-mail the server keeps refusing for a passing reason is given up.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Pause after the first failed attempt; it doubles with each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the sender looks for e-mail that is due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>E-mails sent over one SMTP connection per round.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>SMTP connections sending at once, each with its own rounds.</summary>
    public int Senders { get; set; } = 4;

    /// <summary>
    /// How long a round holds the e-mails it claimed: if the process dies, they are due again after it
    /// (an e-mail the server had accepted just before is then sent again, with the same Message-ID).
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan DelayAfter(int attempts) =>
        TimeSpan.FromTicks(Math.Min(RetryDelay.Ticks * (1L << Math.Min(attempts - 1, 20)), MaxRetryDelay.Ticks));
}
