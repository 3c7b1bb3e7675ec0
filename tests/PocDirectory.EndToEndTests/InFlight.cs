using System.Globalization;
using System.Text.Json;
using PocDirectory.AppHost;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The marker a test waits for before it counts what must have come once: nothing is on its way any more. A message, or
/// a copy of one, is always somewhere it can be counted until its effect is committed:
/// <list type="bullet">
/// <item>in a service's outbox, as a row the broker has not confirmed yet (the dispatcher marks it sent only after);</item>
/// <item>in a broker queue, ready or delivered and not yet acknowledged (a consumer acknowledges after its commit);</item>
/// <item>as an e-mail Notifications has not sent yet.</item>
/// </list>
/// The outboxes are read before and after the queues, so that a message a consumer turned into an event of its own
/// between two reads is still seen. The queues are read live with <c>rabbitmqctl</c>: the management API's figures are
/// refreshed only every 5 s. Parked messages (<c>_error</c>, <c>_skipped</c>) are not on their way.
/// </summary>
public static class InFlight
{
    private static readonly string[] Databases =
        [ResourceNames.DirectoryDb, ResourceNames.NominationsDb, ResourceNames.NotificationsDb, ResourceNames.MeetingsDb, ResourceNames.IdentityDb];

    /// <summary>Waits until one round of reads finds nothing on its way; says what was still there if it never does.</summary>
    public static async Task NothingAsync(RunningSystem system, TimeSpan? timeout = null) =>
        await Eventually.Until(async () => string.Join("; ", await WhatAsync(system)), what => what.Length == 0,
            timeout ?? TimeSpan.FromMinutes(2), "nothing in flight (outboxes, queues, e-mails)");

    /// <summary>What is still on its way, by where it is ("directorydb outbox: 3", "queue audit-recorded: 12"); empty when nothing.</summary>
    public static async Task<IReadOnlyList<string>> WhatAsync(RunningSystem system)
    {
        var found = new List<string>();
        await OutboxesAsync(system, found);
        var emails = await system.ScalarAsync<long>(ResourceNames.NotificationsDb, "SELECT count(*) FROM email_deliveries WHERE status = 'Pending'");
        if (emails > 0)
        {
            found.Add($"e-mails pending: {emails}");
        }
        foreach (var (queue, messages) in await QueuesAsync(system))
        {
            if (messages != 0 && !queue.EndsWith("_error", StringComparison.Ordinal) && !queue.EndsWith("_skipped", StringComparison.Ordinal))
            {
                found.Add($"queue {queue}: {messages}");
            }
        }
        await OutboxesAsync(system, found);
        return found;
    }

    private static async Task OutboxesAsync(RunningSystem system, List<string> found)
    {
        foreach (var database in Databases)
        {
            var pending = await system.ScalarAsync<long>(database, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND failed_at IS NULL");
            if (pending > 0)
            {
                found.Add($"{database} outbox: {pending}");
            }
        }
    }

    /// <summary>
    /// Every queue of the broker with its messages (ready and unacknowledged), asked of its first node; -1 for a queue
    /// that cannot say now (a quorum queue without its leader), which counts as something on its way.
    /// </summary>
    public static async Task<IReadOnlyList<(string Queue, long Messages)>> QueuesAsync(RunningSystem system)
    {
        var port = system.Url(ResourceNames.Messaging).Port;
        var epmd = system.Url($"{ResourceNames.Messaging}-epmd").Port;
        var output = await Commands.RunAsync("/usr/lib/rabbitmq/bin/rabbitmqctl",
            ["-q", "-n", $"rabbit{port}@localhost", "--timeout", "60", "list_queues", "--vhost", "/", "name", "messages", "--formatter", "json"],
            CancellationToken.None, new Dictionary<string, string>
            {
                ["HOME"] = Path.Combine(system.StateDirectory, "data", ResourceNames.Messaging, "home"),
                ["ERL_EPMD_PORT"] = epmd.ToString(CultureInfo.InvariantCulture),
            });
        // The tool's standard output and error together: the JSON array is what lies between its brackets.
        var (start, end) = (output.IndexOf('['), output.LastIndexOf(']'));
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"rabbitmqctl list_queues gave no list: {output}");
        }
        using var json = JsonDocument.Parse(output[start..(end + 1)]);
        return json.RootElement.EnumerateArray()
            .Select(q => (q.GetProperty("name").GetString()!, q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : -1))
            .ToList();
    }
}
