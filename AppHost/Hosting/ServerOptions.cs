namespace PocDirectory.AppHost.Hosting;

/// <summary>Where and how one resource runs.</summary>
public sealed record ServerOptions
{
    public required string Name { get; init; }

    /// <summary>The resource's own folder for data and generated configuration.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The port to listen on, on 127.0.0.1; 0 picks a free one once, kept across restarts.</summary>
    public int Port { get; init; }

    /// <summary>Where <c>{Name}.log</c> goes; null means the data directory.</summary>
    public string? LogDirectory { get; init; }

    /// <summary>Echo each output line to the console, prefixed with the name.</summary>
    public bool EchoToConsole { get; init; }

    /// <summary>How long a start may take until healthy; null means the resource kind's default
    /// (servers 60 s, services 90 s).</summary>
    public TimeSpan? StartTimeout { get; init; }
}
