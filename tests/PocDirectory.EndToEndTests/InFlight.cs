using System.Globalization;
using System.Text.Json;
using PocDirectory.AppHost;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The marker a test waits for before it counts what must have come once: nothing is on its way any more. A message, or
/// a copy of one, is always somewhere it can be counted until its effect is done:
/// <list type="bullet">
/// <item>in a service's outbox, as a row the broker has not confirmed yet (the dispatcher marks it sent only after);</item>
/// <item>in a broker queue, ready or delivered and not yet acknowledged (a consumer acknowledges after its commit);</item>
/// <item>as an e-mail Notifications has not recorded as sent (a claimed one stays pending), or one recorded as sent in a
/// session with the SMTP server still open (recorded after its last byte, before the server's answer; see
/// <see cref="SmtpSessions"/>).</item>
/// </list>
/// One round reads the outboxes, the queues, the e-mails, the SMTP sessions and the outboxes again, in the order things
/// move; two clean rounds in a row are the marker, so that what moved from one place to the next between two reads is
/// seen by the next round. The queues are counted live by their own processes (a quorum queue by its leader's state):
/// the management API's figures and <c>rabbitmqctl list_queues</c>' are statistics refreshed only every 5 s. Parked
/// messages (<c>_error</c>, <c>_skipped</c>) are not on their way.
/// </summary>
public static class InFlight
{
    private static readonly string[] Databases =
        [ResourceNames.DirectoryDb, ResourceNames.NominationsDb, ResourceNames.NotificationsDb, ResourceNames.MeetingsDb, ResourceNames.IdentityDb];

    /// <summary>Waits for two clean rounds in a row; says what was still there if it never comes.</summary>
    public static async Task NothingAsync(RunningSystem system, TimeSpan? timeout = null)
    {
        var clean = 0;
        await Eventually.Until(async () =>
        {
            var what = string.Join("; ", await WhatAsync(system));
            clean = what.Length == 0 ? clean + 1 : 0;
            return (Clean: clean, What: what);
        }, round => round.Clean >= 2, timeout ?? TimeSpan.FromMinutes(3), "nothing in flight (outboxes, queues, e-mails, SMTP sessions), twice in a row");
    }

    /// <summary>What one round found on its way, by where it is ("directorydb outbox: 3", "queue identity-audit-recorded: 12"); empty when nothing.</summary>
    public static async Task<IReadOnlyList<string>> WhatAsync(RunningSystem system)
    {
        var found = new List<string>();
        await OutboxesAsync(system, found);
        try
        {
            foreach (var (queue, messages) in await QueuesAsync(system))
            {
                if (messages != 0 && !queue.EndsWith("_error", StringComparison.Ordinal) && !queue.EndsWith("_skipped", StringComparison.Ordinal))
                {
                    found.Add($"queue {queue}: {(messages < 0 ? "cannot say now" : messages)}");
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException) // rabbitmqctl failed (a node away): the queues cannot be said empty
        {
            var at = ex.Message.IndexOf("failed with code", StringComparison.Ordinal);
            found.Add($"queues unread: {(at < 0 ? ex.Message : ex.Message[at..]).ReplaceLineEndings(" ")}");
        }
        var emails = await system.ScalarAsync<long>(ResourceNames.NotificationsDb, "SELECT count(*) FROM email_deliveries WHERE status = 'Pending'");
        if (emails > 0)
        {
            found.Add($"e-mails pending: {emails}");
        }
        if (SmtpSessions.OpenTo(system.Url(ResourceNames.Mail).Port) is var sessions and > 0)
        {
            found.Add($"SMTP sessions open: {sessions}");
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
    /// Each queue's messages (ready, and delivered not yet acknowledged) as the queue itself holds them now, asked through
    /// the broker's first node: a quorum queue's leader (<c>rabbit_fifo:query_messages_total</c>), a classic queue's process.
    /// -1 for a queue that cannot say now (no leader), which counts as something on its way.
    /// </summary>
    public static async Task<IReadOnlyList<(string Queue, long Messages)>> QueuesAsync(RunningSystem system)
    {
        const string Count = """
            Count = fun(Q) ->
                case amqqueue:get_type(Q) of
                    rabbit_quorum_queue ->
                        case catch ra:leader_query(amqqueue:get_pid(Q), fun rabbit_fifo:query_messages_total/1) of
                            {ok, {_, N}, _} when is_integer(N) -> N;
                            _ -> -1
                        end;
                    _ ->
                        case catch rabbit_amqqueue:info(Q, [messages]) of
                            [{messages, N}] when is_integer(N) -> N;
                            _ -> -1
                        end
                end
            end,
            io:format("~s~n", [rabbit_json:encode(maps:from_list([{element(4, amqqueue:get_name(Q)), Count(Q)} || Q <- rabbit_amqqueue:list(<<"/">>)]))]).
            """;
        var port = system.Url(ResourceNames.Messaging).Port;
        var epmd = system.Url($"{ResourceNames.Messaging}-epmd").Port;
        var output = await Commands.RunAsync("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-q", "-n", $"rabbit{port}@localhost", "--timeout", "30", "eval", Count],
            CancellationToken.None, new Dictionary<string, string>
            {
                ["HOME"] = Path.Combine(system.StateDirectory, "data", ResourceNames.Messaging, "home"),
                ["ERL_EPMD_PORT"] = epmd.ToString(CultureInfo.InvariantCulture),
            });
        // The tool's output and error together: the JSON object is the line that begins with its first brace.
        var start = output.IndexOf('{');
        var end = start < 0 ? -1 : output.IndexOf('\n', start);
        if (start < 0)
        {
            throw new InvalidOperationException($"rabbitmqctl eval gave no queues: {output}");
        }
        using var json = JsonDocument.Parse(end < 0 ? output[start..] : output[start..end]);
        return json.RootElement.EnumerateObject().Select(q => (q.Name, q.Value.GetInt64())).ToList();
    }
}
