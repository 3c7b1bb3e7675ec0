using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Identity;

/// <summary>
/// Sign-in delays on a real, migrated identitydb, on a fake clock: failures slow one guesser down
/// more and more, spread guessers only up to a minute, and nobody can lock anyone out.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SignInThrottleTests(ServersFixture servers) : IAsyncLifetime
{
    private string _connectionString = null!;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        _connectionString = await servers.CreateDatabaseAsync("throttle");
        await using var db = Context();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task One_address_at_one_account_gets_three_free_attempts_then_doubling_waits_up_to_fifteen_minutes()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await AttemptAsync("dm@example.org", "127.0.0.20"));
        }
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 14; i++)
        {
            var wait = await AttemptAsync("dm@example.org", "127.0.0.20");
            Assert.NotNull(wait);
            waits.Add(wait.Value);
            _clock.Advance(wait.Value - TimeSpan.FromMilliseconds(1));
            Assert.NotNull(await AttemptAsync("dm@example.org", "127.0.0.20")); // a moment too early: still held back, and not counted
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Null(await AttemptAsync("dm@example.org", "127.0.0.20"));
        }
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900], waits.Select(w => w.TotalSeconds));
    }

    [Fact]
    public async Task A_guesser_cannot_keep_a_person_out_from_another_address_for_more_than_a_minute()
    {
        // A thousand guesses at the directory manager's account from a hundred addresses.
        for (var i = 0; i < 1000; i++)
        {
            await AttemptAsync("DM@example.org ", $"10.0.{i % 100}.1");
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        // The person, from an address of their own, waits at most the account's minute: never locked.
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
    public async Task One_address_spraying_many_accounts_is_held_back_after_twenty_failures_and_others_are_not()
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await AttemptAsync($"person{i}@example.org", "127.0.0.30"));
        }
        Assert.Equal(TimeSpan.FromSeconds(1), await AttemptAsync("person20@example.org", "127.0.0.30"));
        Assert.Null(await AttemptAsync("person20@example.org", "127.0.0.31"));
    }

    [Fact]
    public async Task People_signing_in_from_one_office_address_never_hold_each_other_back()
    {
        // Fifty people behind one address, each with a password and a code, one typing error among them.
        for (var i = 0; i < 50; i++)
        {
            var email = $"delegate{i}@example.org";
            if (i == 25)
            {
                Assert.Null(await AttemptAsync(email, "198.51.100.1")); // a wrong password
            }
            Assert.Null(await AttemptAsync(email, "198.51.100.1"));
            await PassStepAsync("198.51.100.1"); // the right password, a code still due
            Assert.Null(await AttemptAsync(email, "198.51.100.1"));
            await PassStepAsync("198.51.100.1");
            await SucceedAsync(email, "198.51.100.1");
        }
        await using var db = Context();
        var rows = await db.SignInThrottles.AsNoTracking().ToListAsync();
        Assert.Equal(1, Assert.Single(rows, r => r.Key.StartsWith("address:", StringComparison.Ordinal)).Failures);
        Assert.DoesNotContain(rows, r => !r.Key.StartsWith("address:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Counts_are_forgotten_after_a_quiet_day()
    {
        // Eight failures, each after the delay the one before it set: the next one waits 32 s.
        for (var i = 0; i < 8; i++)
        {
            if (await AttemptAsync("quiet@example.org", "127.0.0.40") is { } wait)
            {
                _clock.Advance(wait);
                Assert.Null(await AttemptAsync("quiet@example.org", "127.0.0.40"));
            }
        }
        Assert.Equal(TimeSpan.FromSeconds(32), await AttemptAsync("quiet@example.org", "127.0.0.40"));
        _clock.Advance(SignInThrottle.ForgetAfter - TimeSpan.FromSeconds(1));
        Assert.Null(await AttemptAsync("quiet@example.org", "127.0.0.40")); // a day less a second: remembered, and now the ninth failure
        Assert.Equal(TimeSpan.FromSeconds(64), await AttemptAsync("quiet@example.org", "127.0.0.40"));
        _clock.Advance(SignInThrottle.ForgetAfter);
        // A quiet day later the count starts from nothing: three free attempts, then the first delay.
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await AttemptAsync("quiet@example.org", "127.0.0.40"));
        }
        Assert.Equal(TimeSpan.FromSeconds(1), await AttemptAsync("quiet@example.org", "127.0.0.40"));
    }

    [Fact]
    public async Task Concurrent_attempts_cannot_slip_past_the_count_together()
    {
        // Twenty at once, each through its own connection (as from several Identity replicas).
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => AttemptAsync("raced@example.org", "127.0.0.50"))));
        Assert.Equal(3, results.Count(r => r is null));
        await using var db = Context();
        Assert.Equal(3, (await db.SignInThrottles.AsNoTracking().ToListAsync()).Where(r => r.Key.StartsWith("pair:", StringComparison.Ordinal)).Single().Failures);
    }

    [Fact]
    public async Task What_is_stored_names_no_address_and_no_account()
    {
        await AttemptAsync("named@example.org", "127.0.0.60");
        await using var db = Context();
        var keys = await db.SignInThrottles.AsNoTracking().Select(r => r.Key).ToListAsync();
        Assert.NotEmpty(keys);
        Assert.DoesNotContain(keys, k => k.Contains("named", StringComparison.OrdinalIgnoreCase) || k.Contains("127.0.0.60", StringComparison.Ordinal));
    }

    private async Task<TimeSpan?> AttemptAsync(string email, string client)
    {
        await using var db = Context();
        return await new SignInThrottle(db, _clock).TryAttemptAsync(email, client, CancellationToken.None);
    }

    private async Task PassStepAsync(string client)
    {
        await using var db = Context();
        await new SignInThrottle(db, _clock).StepPassedAsync(client, CancellationToken.None);
    }

    private async Task SucceedAsync(string email, string client)
    {
        await using var db = Context();
        await new SignInThrottle(db, _clock).SucceededAsync(email, client, CancellationToken.None);
    }

    private PocIdentityDbContext Context() =>
        new(new DbContextOptionsBuilder<PocIdentityDbContext>().UseNpgsql(_connectionString).Options);
}
