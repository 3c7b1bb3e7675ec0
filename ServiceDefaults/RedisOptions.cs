using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>How every process connects to Redis (<c>ConnectionStrings__cache</c>, host:port).</summary>
public static class RedisOptions
{
    /// <summary>
    /// Connects in the background and reconnects by itself, so a process starts and serves while Redis
    /// is down; while it is away a command fails at once (the caller falls back) instead of queueing.
    /// </summary>
    public static ConfigurationOptions Parse(string connectionString, string? clientName = null)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName = clientName;
        return options;
    }
}
