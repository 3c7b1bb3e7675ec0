using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Model;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// Failed sign-in steps slow the next attempt down; nothing locks an account. Each attempt counts as a
/// failure until it succeeds, under three keys at once, each with a few free attempts and then a
/// delay (1 s, 2 s, 4 s, …) that doubles up to a cap:
/// <list type="bullet">
/// <item>the account and the address together (3 free, up to 15 minutes): one guesser at one account;</item>
/// <item>the address (20 free, up to 15 minutes): one guesser trying many accounts;</item>
/// <item>the account from anywhere (10 free, up to 1 minute): guessers spread over many addresses. The cap
/// is low on purpose, so that nobody can keep a person, the directory manager included, out of their
/// account for longer than a minute at a time.</item>
/// </list>
/// A success clears the account's counts, and a step passed (a right password or code) does not count
/// at the address; a key left quiet for a day forgets. Counted in PostgreSQL
/// under a row lock, so every Identity replica adds to the same count and concurrent attempts cannot
/// slip past it together. The account is the address as typed, whether an account has it or not:
/// the delay tells nothing about which addresses exist. Passkeys are never held back by it.
/// </summary>
public sealed class SignInThrottle(PocIdentityDbContext db, TimeProvider clock)
{
    public sealed record Rule(string Scope, int FreeAttempts, TimeSpan Cap);

    public static readonly Rule Pair = new("pair", 3, TimeSpan.FromMinutes(15));
    public static readonly Rule Address = new("address", 20, TimeSpan.FromMinutes(15));
    public static readonly Rule Account = new("account", 10, TimeSpan.FromMinutes(1));

    /// <summary>Failures under a key that has been quiet this long are forgotten.</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(1);

    /// <summary>How long after the last of <paramref name="failures"/> failures the next attempt must wait.</summary>
    public static TimeSpan Delay(Rule rule, int failures)
    {
        if (failures < rule.FreeAttempts)
        {
            return TimeSpan.Zero;
        }
        var exponent = Math.Min(failures - rule.FreeAttempts, 30);
        return TimeSpan.FromSeconds(Math.Min(rule.Cap.TotalSeconds, Math.Pow(2, exponent)));
    }

    /// <summary>
    /// Counts one attempt at <paramref name="email"/> from <paramref name="client"/>: null when it may go
    /// ahead (it counts as a failure until <see cref="SucceededAsync"/>), else how long until one may.
    /// </summary>
    public async Task<TimeSpan?> TryAttemptAsync(string? email, string client, CancellationToken ct)
    {
        var keys = Keys(email, client);
        var now = clock.GetUtcNow();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var ordered = keys.Keys.Order(StringComparer.Ordinal).ToArray();
            // Rows exist before they are locked (a lock on nothing would let two first attempts through).
            foreach (var key in ordered)
            {
                await db.Database.ExecuteSqlAsync(
                    $"INSERT INTO sign_in_throttles (key, failures, last_failure_at) VALUES ({key}, 0, {DateTimeOffset.UnixEpoch}) ON CONFLICT (key) DO NOTHING", ct);
            }
            var rows = await db.SignInThrottles.FromSql($"SELECT * FROM sign_in_throttles WHERE key = ANY({ordered}) ORDER BY key FOR UPDATE").ToListAsync(ct);
            var wait = TimeSpan.Zero;
            foreach (var row in rows)
            {
                if (now - row.LastFailureAt >= ForgetAfter)
                {
                    row.Failures = 0;
                }
                var allowedAt = row.LastFailureAt + Delay(keys[row.Key], row.Failures);
                if (allowedAt - now > wait)
                {
                    wait = allowedAt - now;
                }
            }
            if (wait > TimeSpan.Zero)
            {
                await transaction.CommitAsync(ct);
                Untrack(rows);
                return (TimeSpan?)wait;
            }
            foreach (var row in rows)
            {
                row.Failures++;
                row.LastFailureAt = now;
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            Untrack(rows);
            return null;
        });
    }

    /// <summary>Stops tracking the rows it read, and only those: the page's account stays tracked for its own changes.</summary>
    private void Untrack(List<SignInThrottleRow> rows)
    {
        foreach (var row in rows)
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }

    /// <summary>
    /// A counted step was passed (a right password, even with a second factor still due; a right code):
    /// it was no failure at this address, so it does not count there. Many people signing in from one
    /// office's address are never held back by each other.
    /// </summary>
    public async Task StepPassedAsync(string client, CancellationToken ct)
    {
        var key = AddressKey(client);
        await db.SignInThrottles.Where(r => r.Key == key && r.Failures > 0)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Failures, r => r.Failures - 1), ct);
    }

    /// <summary>The person is signed in: the account's counts, from this address and from anywhere, start again.</summary>
    public async Task SucceededAsync(string? email, string client, CancellationToken ct)
    {
        var keys = Keys(email, client).Where(k => k.Value != Address).Select(k => k.Key).ToArray();
        await db.SignInThrottles.Where(r => keys.Contains(r.Key)).ExecuteDeleteAsync(ct);
    }

    private static string AddressKey(string client) => $"{Address.Scope}:{Hash(client)}";

    private static Dictionary<string, Rule> Keys(string? email, string client)
    {
        var account = Hash((email ?? "").Trim().ToUpperInvariant());
        var address = Hash(client);
        return new Dictionary<string, Rule>(StringComparer.Ordinal)
        {
            [$"{Account.Scope}:{account}"] = Account,
            [AddressKey(client)] = Address,
            [$"{Pair.Scope}:{Hash(account + "|" + address)}"] = Pair,
        };
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
