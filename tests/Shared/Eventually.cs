namespace PocDirectory;

/// <summary>Polls a condition of an asynchronous system until it holds or the time is up.</summary>
public static class Eventually
{
    /// <summary>Returns at the instant <paramref name="at"/> of the wall clock (at once if it has passed).</summary>
    public static Task At(DateTimeOffset at) => at > DateTimeOffset.UtcNow ? Task.Delay(at - DateTimeOffset.UtcNow) : Task.CompletedTask;

    /// <summary>
    /// Returns at once while at least 20 s of the wall clock's minute are left, else at the next minute: for a test whose
    /// requests must fall in one of the per-minute windows the request limits count on the clock.
    /// </summary>
    public static Task EarlyInMinute()
    {
        var now = DateTimeOffset.UtcNow;
        return now.Second < 40 ? Task.CompletedTask : At(now.AddSeconds(60 - now.Second).AddMilliseconds(-now.Millisecond));
    }

    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last value: {last}");
            }
            await Task.Delay(100);
        }
    }
}
