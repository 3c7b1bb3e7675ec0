namespace PocDirectory.BuildingBlocks.Messaging;

public sealed class OutboxOptions
{
    /// <summary>Rows claimed per transaction.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How often the dispatcher looks without being signalled: it catches rows committed by another
    /// replica or left behind by a crash.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one publish may wait for the broker's confirmation.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest pause between attempts while the broker is unreachable.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Sent outbox rows and inbox rows are deleted after this long.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Delay before attempt <paramref name="failures"/> + 1: 100 ms doubling up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay(int failures)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }
        var ms = 100 * Math.Pow(2, Math.Min(failures - 1, 20));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxRetryDelay.TotalMilliseconds));
    }
}
