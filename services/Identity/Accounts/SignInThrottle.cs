using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Model;
using PocDirectory.BuildingBlocks.Persistence;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// Failed sign-in steps slow the next attempt down; nothing locks an account. Each attempt counts as a
/// failure until it passes, under several keys at once, each with a few free attempts, then a delay
/// after the last failure (1 s, 2 s, 4 s, …) that doubles up to a cap, and failures forgiven one at a
/// time as time goes by:
/// <list type="bullet">
/// <item>the account and the address together (3 free, up to 15 minutes, one forgiven every 15 minutes): one
/// guesser at one account, in the long run about a hundred tries a day;</item>
/// <item>the address (20 free, up to 15 minutes, one forgiven every 2 minutes): one guesser trying many
/// accounts, while an office behind one address, whose people mistype now and then, is not held back;</item>
/// <item>the account from anywhere (10 free, up to 1 minute, one forgiven every 5 minutes): guessers spread
/// over many addresses;</item>
/// <item>the second factor of the account (3 free, up to 15 minutes, one forgiven an hour): only someone who
/// knows the password gets there, and the person is told (<see cref="SignInSteps"/>).</item>
/// </list>
/// The last two never apply at a browser the account has signed in from before (<see cref="KnownDevices"/>):
/// nobody, not even someone who has the password, can keep a person out of their account at their own browser.
/// A step passed (a right password or code) does not count at the address and leaves its delay clock
/// as it was; a sign-in clears the account's counts. Counted in PostgreSQL under a row lock, so every
/// Identity replica adds to the same count and concurrent attempts cannot slip past it together. The
/// account is the address as typed, normalized as Identity finds accounts, whether an account has it
/// or not: the delay tells nothing about which addresses exist. Passkeys are never held back by it.
/// </summary>
public sealed class SignInThrottle(PocIdentityDbContext db, ILookupNormalizer normalizer, TimeProvider clock)
{
    public sealed record Rule(string Scope, int FreeAttempts, TimeSpan Cap, TimeSpan ForgivenEvery);

    public static readonly Rule Pair = new("pair", 3, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));
    public static readonly Rule Address = new("address", 20, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(2));
    public static readonly Rule Account = new("account", 10, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
    public static readonly Rule SecondFactor = new("code", 3, TimeSpan.FromMinutes(15), TimeSpan.FromHours(1));

    /// <summary>An attempt at a step: whose account, from where, from a browser it knows, at its second factor.</summary>
    public sealed record Attempt(string? Email, string Client, bool KnownDevice = false, bool SecondFactorStep = false);

    /// <summary>
    /// Set when this request's attempt used up the second factor's free attempts: someone who knows the
    /// password has now given wrong codes that many times, and the person should hear of it.
    /// </summary>
    public bool SecondFactorExhausted { get; private set; }

    /// <summary>The address's row as this request's attempt found it: a step passed puts its delay clock back.</summary>
    private (string Key, DateTimeOffset AttemptAt, DateTimeOffset Before)? _addressBefore;

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
    /// The failures still counted at <paramref name="now"/>: those stored, less one for each whole period
    /// gone by since the row's forgiveness clock (<see cref="SignInThrottleRow.UpdatedAt"/>); and that clock,
    /// moved on by those whole periods only, so that a part period is never lost however often the row is written.
    /// </summary>
    public static (double Failures, DateTimeOffset Clock) Forgiven(Rule rule, SignInThrottleRow row, DateTimeOffset now)
    {
        var periods = Math.Floor(Math.Max(0, (now - row.UpdatedAt) / rule.ForgivenEvery));
        return periods >= row.Failures ? (0, now) : (row.Failures - periods, row.UpdatedAt + periods * rule.ForgivenEvery);
    }

    /// <summary>
    /// Counts one attempt: null when it may go ahead (it counts as a failure until
    /// <see cref="StepPassedAsync"/> or <see cref="SucceededAsync"/>), else how long until one may.
    /// </summary>
    public async Task<TimeSpan?> TryAttemptAsync(Attempt attempt, CancellationToken ct)
    {
        var keys = Keys(attempt);
        var now = Now();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var ordered = keys.Keys.Order(StringComparer.Ordinal).ToArray();
            // Rows exist before they are locked (a lock on nothing would let two first attempts through).
            foreach (var key in ordered)
            {
                await db.Database.ExecuteSqlAsync(
                    $"INSERT INTO sign_in_throttles (key, failures, last_failure_at, updated_at) VALUES ({key}, 0, {DateTimeOffset.UnixEpoch}, {now}) ON CONFLICT (key) DO NOTHING", ct);
            }
            var rows = await db.SignInThrottles.FromSql($"SELECT * FROM sign_in_throttles WHERE key = ANY({ordered}) ORDER BY key FOR UPDATE").InOrder(t => t.Key).ToListAsync(ct);
            var wait = TimeSpan.Zero;
            foreach (var row in rows)
            {
                var rule = keys[row.Key];
                var allowedAt = row.LastFailureAt + Delay(rule, (int)Forgiven(rule, row, now).Failures);
                if (allowedAt - now > wait)
                {
                    wait = allowedAt - now;
                }
            }
            if (wait == TimeSpan.Zero)
            {
                foreach (var row in rows)
                {
                    if (keys[row.Key] == Address)
                    {
                        _addressBefore = (row.Key, now, row.LastFailureAt);
                    }
                    var (failures, forgivenUpTo) = Forgiven(keys[row.Key], row, now);
                    if (keys[row.Key] == SecondFactor)
                    {
                        SecondFactorExhausted = failures + 1 == SecondFactor.FreeAttempts;
                    }
                    row.Failures = failures + 1;
                    row.UpdatedAt = forgivenUpTo;
                    row.LastFailureAt = now;
                }
                await db.SaveChangesAsync(ct);
            }
            await transaction.CommitAsync(ct);
            Untrack(rows);
            return wait > TimeSpan.Zero ? (TimeSpan?)wait : null;
        });
    }

    /// <summary>
    /// The step this request attempted was passed (a right password, even with a second factor still
    /// due; a right code): it was no failure at this address. Its count there is taken back, and its
    /// delay clock put back where it was, unless another failure came meanwhile: many people signing in
    /// from one office's address never hold each other back.
    /// </summary>
    public async Task StepPassedAsync(CancellationToken ct)
    {
        if (_addressBefore is not { } before)
        {
            return;
        }
        _addressBefore = null;
        var now = Now();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var rows = await db.SignInThrottles.FromSql($"SELECT * FROM sign_in_throttles WHERE key = {before.Key} FOR UPDATE").InOrder(t => t.Key).ToListAsync(ct);
            foreach (var row in rows)
            {
                var (failures, forgivenUpTo) = Forgiven(Address, row, now);
                row.Failures = Math.Max(0, failures - 1);
                row.UpdatedAt = row.Failures == 0 ? now : forgivenUpTo;
                if (row.LastFailureAt == before.AttemptAt)
                {
                    row.LastFailureAt = before.Before;
                }
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            Untrack(rows);
        });
    }

    /// <summary>
    /// The person is signed in: the step this request attempted is taken back at the address
    /// (<see cref="StepPassedAsync"/>), and the account's counts (from this address, from anywhere, at its
    /// second factor) start again.
    /// </summary>
    public async Task SucceededAsync(string? email, string client, CancellationToken ct)
    {
        await StepPassedAsync(ct);
        var keys = Keys(new Attempt(email, client, SecondFactorStep: true)).Where(k => k.Value != Address).Select(k => k.Key).ToArray();
        await db.SignInThrottles.Where(r => keys.Contains(r.Key)).ExecuteDeleteAsync(ct);
        // Rows nobody has touched for a day are forgiven entirely by now: they go.
        var stale = clock.GetUtcNow().AddDays(-1);
        await db.SignInThrottles.Where(r => r.UpdatedAt < stale).ExecuteDeleteAsync(ct);
    }

    /// <summary>Now, as PostgreSQL keeps it: a time read back compares equal to the one written.</summary>
    private DateTimeOffset Now() => PostgresTime.Microseconds(clock.GetUtcNow());

    /// <summary>Stops tracking the rows it read, and only those: the page's account stays tracked for its own changes.</summary>
    private void Untrack(List<SignInThrottleRow> rows)
    {
        foreach (var row in rows)
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }

    private Dictionary<string, Rule> Keys(Attempt attempt)
    {
        // As Identity finds the account (NFC, upper case): another spelling of one address is the same account here too.
        var account = Hash(normalizer.NormalizeEmail((attempt.Email ?? "").Trim()) ?? "");
        var address = Hash(attempt.Client);
        var keys = new Dictionary<string, Rule>(StringComparer.Ordinal)
        {
            [$"{Address.Scope}:{address}"] = Address,
            [$"{Pair.Scope}:{Hash(account + "|" + address)}"] = Pair,
        };
        if (!attempt.KnownDevice)
        {
            keys[$"{Account.Scope}:{account}"] = Account;
            if (attempt.SecondFactorStep)
            {
                keys[$"{SecondFactor.Scope}:{account}"] = SecondFactor;
            }
        }
        return keys;
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
