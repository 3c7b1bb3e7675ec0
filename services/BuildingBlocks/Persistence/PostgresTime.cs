namespace PocDirectory.BuildingBlocks.Persistence;

/// <summary>Times as PostgreSQL keeps them: to the microsecond, where .NET counts 100-nanosecond ticks.</summary>
public static class PostgresTime
{
    /// <summary>The time a timestamp column reads back: written and read, it compares (and hashes) equal.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset time) => new(time.UtcTicks / 10 * 10, TimeSpan.Zero);
}
