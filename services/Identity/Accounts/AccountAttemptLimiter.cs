using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// Sign-in attempts per account, counted in Redis so that every Identity replica (and every client
/// address) adds to the same count: a guesser spread over many addresses still gets
/// <see cref="PermitLimit"/> tries per <see cref="Window"/> at one account. The key is the address
/// as typed, hashed, whether an account has it or not, so the limit itself reveals nothing. While
/// Redis is away, attempts are let through: the lockout in the database still holds.
/// </summary>
public sealed partial class AccountAttemptLimiter(IConnectionMultiplexer redis, IConfiguration configuration, ILogger<AccountAttemptLimiter> logger)
{
    public TimeSpan Window { get; } = TimeSpan.FromMinutes(configuration.GetValue("SignIn:AccountWindowMinutes", 15));

    public int PermitLimit { get; } = configuration.GetValue("SignIn:AttemptsPerAccount", 20);

    private const string Count =
        "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return {n, redis.call('PTTL', KEYS[1])}";

    /// <summary>Counts one attempt; null when allowed, else how long until the next one is.</summary>
    public async Task<TimeSpan?> TryAttemptAsync(string? email)
    {
        var normalized = (email ?? "").Trim().ToUpperInvariant();
        var key = "pocdir:sign-in-account:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Count, [key], [(long)Window.TotalMilliseconds]))!;
            var attempts = (long)result[0];
            var ttl = (long)result[1];
            return attempts <= PermitLimit ? null : TimeSpan.FromMilliseconds(Math.Max(1000, ttl));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRedisUnavailable(ex);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis cannot be reached: sign-in attempts per account are not counted; lockout still applies")]
    private partial void LogRedisUnavailable(Exception ex);
}
