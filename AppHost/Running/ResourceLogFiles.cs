using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

namespace PocDirectory.AppHost;

/// <summary>
/// Each resource's output in <c>logs/NAME.log</c> of the state folder, and on the console prefixed
/// with its name unless <c>--no-console-logs</c>. Aspire keeps the same lines for the dashboard.
/// </summary>
public sealed partial class ResourceLogFiles(AppHostOptions options, ResourceNotificationService notifications, ResourceLoggerService logs)
    : ResourceWatcher
{
    private static readonly ConsoleColor[] Colors =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkYellow];

    private readonly ConcurrentDictionary<string, Task> _watching = new();

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var resourceEvent in notifications.WatchAsync(stoppingToken))
            {
                if (ResourceTable.Shown(resourceEvent.Resource) && resourceEvent.Resource is not PostgresDatabaseResource)
                {
                    _ = _watching.GetOrAdd(resourceEvent.ResourceId, id => Task.Run(() => FollowAsync(ResourceRow.KeyOf(resourceEvent), id, stoppingToken), stoppingToken));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FollowAsync(string name, string resourceId, CancellationToken stoppingToken)
    {
        var color = Colors[(uint)name.GetHashCode(StringComparison.Ordinal) % Colors.Length];
        var path = Path.Combine(options.LogDirectory, name + ".log");
        await using var file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        try
        {
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(stoppingToken))
            {
                foreach (var line in batch)
                {
                    // Colours are for the dashboard; the file keeps the text.
                    await file.WriteLineAsync(AnsiEscape().Replace(line.Content, ""));
                    if (options.EchoToConsole)
                    {
                        Terminal.WriteLine(line.Content, prefix: $"{name} | ", color: color, error: line.IsErrorMessage);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\x1B\[[0-9;]*[A-Za-z]")]
    private static partial System.Text.RegularExpressions.Regex AnsiEscape();
}
