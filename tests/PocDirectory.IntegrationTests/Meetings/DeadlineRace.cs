using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace PocDirectory.IntegrationTests.Meetings;

/// <summary>
/// Member States' objections racing a deadline on a fake clock, as a silence procedure's expiry and an accreditation round's
/// deadline both run it: the first 60 objections are received a millisecond before it; the others, eight at a time, race
/// the clock (moved to the deadline as the 101st starts) and two deciding replicas.
/// </summary>
public static class DeadlineRace
{
    /// <summary>
    /// Runs the race and asserts what holds for both procedures: the two replicas decided once between them before any other
    /// run, a later run decides nothing, every answer is 201 or 409, the first 60 were received and those started after the
    /// clock moved (at most eight were in flight then) refused. Returns the States whose objection was received, in order.
    /// </summary>
    public static async Task<List<string>> RunAsync(IReadOnlyList<string> members, FakeTimeProvider clock, DateTimeOffset deadline, string what,
        Func<string, Task<int>> objectAsync, Func<Task<int>> decideAsync, Func<Task<int>> runOnceAsync)
    {
        clock.SetUtcNow(deadline - TimeSpan.FromMilliseconds(1));
        var answers = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(members.Take(60), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (state, _) => answers[state] = await objectAsync(state));
        var late = Parallel.ForEachAsync(members.Skip(60), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (state, _) =>
        {
            if (state == members[100])
            {
                clock.SetUtcNow(deadline);
            }
            answers[state] = await objectAsync(state);
        });
        var deciders = Task.WhenAll(decideAsync(), decideAsync());
        await late;
        var decided = await deciders;

        Assert.Equal(1, decided.Sum()); // the two replicas racing the objections, before any other run
        Assert.Equal(0, await runOnceAsync());
        Assert.All(answers.Values, a => Assert.Contains(a, new[] { StatusCodes.Status201Created, StatusCodes.Status409Conflict }));
        var received = answers.Where(a => a.Value == StatusCodes.Status201Created).Select(a => a.Key).Order().ToList();
        Assert.True(received.Count >= 60, $"{received.Count} received");
        Assert.True(answers.Count(a => a.Value == StatusCodes.Status409Conflict) >= members.Count - 109, $"the objections sent after the {what} are refused");
        return received;
    }

    /// <summary>
    /// Runs a deadline worker until its row is decided, by it (its count) or by another (0): an objection still being received
    /// holds the row, and the clock may not have reached the deadline yet. Fails if nothing is decided within two minutes.
    /// </summary>
    public static async Task<int> DecideAsync(Func<Task<int>> runOnceAsync, Func<Task<bool>> decidedAsync, string what)
    {
        var timeout = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < timeout)
        {
            if (await runOnceAsync() is var decided and > 0)
            {
                return decided;
            }
            if (await decidedAsync())
            {
                return 0;
            }
            await Task.Yield();
        }
        throw new TimeoutException($"The {what} was not decided within two minutes of its race.");
    }
}
