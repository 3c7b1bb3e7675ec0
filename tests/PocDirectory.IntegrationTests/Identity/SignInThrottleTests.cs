using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Identity;

/// <summary>
/// Sign-in delays on a real, migrated identitydb, on a fake clock: failures slow one guesser down
/// more and more, spread guessers only up to a minute and never at a browser the account knows,
/// failures are forgiven as time goes by, and nobody can lock anyone out.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SignInThrottleTests(ServersFixture servers) : IdentityDatabaseTest(servers, "throttle")
{
    // Not on a whole microsecond: what PostgreSQL keeps is coarser than .NET's ticks, and the throttle must not mind.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero).AddTicks(1_234_567));

    [Fact]
    public async Task One_address_at_one_account_gets_three_free_attempts_then_doubling_waits_and_in_the_long_run_one_attempt_per_quarter_hour()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await AttemptAsync("dm@example.org", "127.0.0.20"));
        }
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            var wait = await AttemptAsync("dm@example.org", "127.0.0.20");
            Assert.NotNull(wait);
            waits.Add(wait.Value);
            _clock.Advance(wait.Value - TimeSpan.FromMilliseconds(1));
            Assert.NotNull(await AttemptAsync("dm@example.org", "127.0.0.20")); // a moment too early: still held back, and not counted
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Null(await AttemptAsync("dm@example.org", "127.0.0.20"));
        }
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128], waits.Select(w => w.TotalSeconds));

        // A guesser that tries again the moment it may, for a day: never more than a quarter of an hour
        // between tries, and about one try per quarter of an hour, the rate at which failures are forgiven.
        var start = _clock.GetUtcNow();
        var tries = 0;
        while (_clock.GetUtcNow() - start < TimeSpan.FromDays(1))
        {
            var wait = await AttemptAsync("dm@example.org", "127.0.0.20");
            if (wait is null)
            {
                tries++;
                continue;
            }
            Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));
            _clock.Advance(wait.Value);
        }
        Assert.InRange(tries, 24 * 4 - 8, 24 * 4 + 8);
    }

    [Fact]
    public async Task A_guesser_cannot_keep_a_person_out_from_another_address_for_more_than_a_minute_nor_at_all_from_a_known_browser()
    {
        // A thousand guesses at the directory manager's account from a hundred addresses.
        for (var i = 0; i < 1000; i++)
        {
            await AttemptAsync("DM@example.org ", $"10.0.{i % 100}.1");
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        // From a browser the account has signed in from before: not held back at all.
        Assert.Null(await AttemptAsync("dm@example.org", "192.0.2.8", knownDevice: true));
        // From a new browser of its own, the person waits at most the account's minute: never locked.
        var wait = await AttemptAsync("dm@example.org", "192.0.2.7");
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        _clock.Advance(wait.Value);
        Assert.Null(await AttemptAsync("dm@example.org", "192.0.2.7"));
        await SucceedAsync("dm@example.org", "192.0.2.7");
        // A success starts the account's count again: the next typing error costs nothing.
        Assert.Null(await AttemptAsync("dm@example.org", "192.0.2.7"));
        // Another account was never touched.
        Assert.Null(await AttemptAsync("fp@example.org", "192.0.2.7"));
    }

    [Fact]
    public async Task Another_spelling_of_the_same_address_counts_as_the_same_account()
    {
        // U+212A KELVIN SIGN: Identity finds kate@ under it (its lookup normalizes), so the count must too.
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(await AttemptAsync(i % 2 == 0 ? "kate@example.org" : "\u212Aate@example.org", $"10.1.{i}.1"));
        }
        Assert.NotNull(await AttemptAsync("\u212Aate@EXAMPLE.org", "10.1.99.1"));
    }

    [Fact]
    public async Task One_address_spraying_many_accounts_is_held_back_after_twenty_failures_which_are_forgiven_one_every_two_minutes()
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await AttemptAsync($"person{i}@example.org", "127.0.0.30"));
        }
        Assert.Equal(TimeSpan.FromSeconds(1), await AttemptAsync("person20@example.org", "127.0.0.30"));
        Assert.Null(await AttemptAsync("person20@example.org", "127.0.0.31"));
        // A second later it may try again (the 21st failure), and then waits twice as long.
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await AttemptAsync("person21@example.org", "127.0.0.30"));
        Assert.Equal(TimeSpan.FromSeconds(2), await AttemptAsync("person22@example.org", "127.0.0.30"));
        // Four minutes on, two failures are forgiven: 19 count, below the free 20, so it goes ahead at once,
        // and only the one after that waits again.
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Null(await AttemptAsync("person22@example.org", "127.0.0.30"));
        Assert.Equal(TimeSpan.FromSeconds(1), await AttemptAsync("person23@example.org", "127.0.0.30"));
    }

    [Fact]
    public async Task People_signing_in_from_one_office_address_never_hold_each_other_back_and_their_sign_ins_leave_the_delay_clock_alone()
    {
        // Someone at the office mistyped twenty times: the address is at its first delay.
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await AttemptAsync($"typo{i}@example.org", "198.51.100.1"));
        }
        _clock.Advance(TimeSpan.FromSeconds(1));
        // Fifty people then sign in from there, each with a password and a code, within the same second.
        for (var i = 0; i < 50; i++)
        {
            var email = $"delegate{i}@example.org";
            Assert.Null(await AttemptAsync(email, "198.51.100.1", passes: true)); // the right password, a code still due
            Assert.Null(await AttemptAsync(email, "198.51.100.1", passes: true, secondFactor: true));
            await SucceedAsync(email, "198.51.100.1");
        }
        await using var db = Context();
        var rows = await db.SignInThrottles.AsNoTracking().ToListAsync();
        var address = Assert.Single(rows, r => r.Key.StartsWith("address:", StringComparison.Ordinal));
        Assert.Equal(20, address.Failures, precision: 6); // the twenty typos, none of the fifty people's steps
        Assert.Equal(Microseconds(_clock.GetUtcNow() - TimeSpan.FromSeconds(1)), address.LastFailureAt); // never moved by a pass
        Assert.DoesNotContain(rows, r => r.Key.StartsWith("account:", StringComparison.Ordinal) && r.Key.Contains("delegate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Three_wrong_codes_after_a_right_password_are_held_back_and_said_once_but_never_at_a_known_browser()
    {
        var exhausted = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            var (wait, alarm) = await CodeAttemptAsync("coded@example.org", $"10.2.{i}.1");
            Assert.Null(wait);
            exhausted.Add(alarm);
        }
        Assert.Equal([false, false, true], exhausted);
        var (held, again) = await CodeAttemptAsync("coded@example.org", "10.2.9.1");
        Assert.Equal(TimeSpan.FromSeconds(1), held);
        Assert.False(again);
        // The person, at a browser the account knows, is not held back by whoever has the password.
        var (own, _) = await CodeAttemptAsync("coded@example.org", "192.0.2.9", knownDevice: true);
        Assert.Null(own);
        // An hour forgives one: the next code is tried, and the person hears of the new round.
        _clock.Advance(TimeSpan.FromHours(1));
        var (afterWait, afterAlarm) = await CodeAttemptAsync("coded@example.org", "10.2.10.1");
        Assert.Null(afterWait);
        Assert.True(afterAlarm);
    }

    [Fact]
    public async Task Concurrent_attempts_cannot_slip_past_the_count_together()
    {
        // Twenty at once, each through its own connection (as from several Identity replicas).
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => AttemptAsync("raced@example.org", "127.0.0.50"))));
        Assert.Equal(3, results.Count(r => r is null));
        await using var db = Context();
        Assert.Equal(3, (await db.SignInThrottles.AsNoTracking().ToListAsync()).Where(r => r.Key.StartsWith("pair:", StringComparison.Ordinal)).Single().Failures, precision: 6);
    }

    [Fact]
    public async Task What_is_stored_names_no_address_and_no_account()
    {
        await AttemptAsync("named@example.org", "127.0.0.60", secondFactor: true);
        await using var db = Context();
        var keys = await db.SignInThrottles.AsNoTracking().Select(r => r.Key).ToListAsync();
        Assert.Equal(4, keys.Count);
        Assert.DoesNotContain(keys, k => k.Contains("named", StringComparison.OrdinalIgnoreCase) || k.Contains("127.0.0.60", StringComparison.Ordinal));
    }

    /// <summary>One request's step: its attempt and, when it goes ahead and the step is right, its pass.</summary>
    private async Task<TimeSpan?> AttemptAsync(string email, string client, bool knownDevice = false, bool passes = false, bool secondFactor = false)
    {
        await using var db = Context();
        var throttle = Throttle(db);
        var wait = await throttle.TryAttemptAsync(new SignInThrottle.Attempt(email, client, knownDevice, secondFactor), CancellationToken.None);
        if (wait is null && passes)
        {
            await throttle.StepPassedAsync(CancellationToken.None);
        }
        return wait;
    }

    private async Task<(TimeSpan? Wait, bool Exhausted)> CodeAttemptAsync(string email, string client, bool knownDevice = false)
    {
        await using var db = Context();
        var throttle = Throttle(db);
        var wait = await throttle.TryAttemptAsync(new SignInThrottle.Attempt(email, client, knownDevice, SecondFactorStep: true), CancellationToken.None);
        return (wait, throttle.SecondFactorExhausted);
    }

    private static DateTimeOffset Microseconds(DateTimeOffset time) => new(time.UtcTicks / 10 * 10, TimeSpan.Zero);

    private async Task SucceedAsync(string email, string client)
    {
        await using var db = Context();
        await Throttle(db).SucceededAsync(email, client, CancellationToken.None);
    }

    private SignInThrottle Throttle(PocIdentityDbContext db) => new(db, new UpperInvariantLookupNormalizer(), _clock);
}
