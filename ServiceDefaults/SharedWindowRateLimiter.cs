using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// One caller's limit of <see cref="PermitLimit"/> requests a window (a fixed window, aligned on the clock), shared by
/// every replica through Redis without a round trip per request. A replica takes permits from the window's count in
/// Redis in blocks (1, then 2, 4 … up to <see cref="MaxBlock"/> while the caller keeps using them) and spends them in
/// memory. Redis never hands out more than the limit, so all replicas together admit at most the limit in a window,
/// whatever their number. What a replica took and did not spend before the window ends (at most a block each) is
/// lost: a caller right at its limit may be refused a few requests early. While Redis cannot be reached (or takes
/// longer than <see cref="TakeTimeout"/>), each replica counts the caller alone, up to the whole limit in this process
/// with what it spent before in the window, and asks Redis again only after <see cref="RetryRedisAfter"/>; the log says
/// when Redis is lost and when it is back. What a replica spent alone is not told to Redis when it is back: in a window
/// where Redis went away or came back, the replicas together may admit up to the limit once more.
/// </summary>
public sealed partial class SharedWindowRateLimiter : RateLimiter
{
    /// <summary>The most permits a replica takes from Redis at once.</summary>
    public const int MaxBlock = 32;

    /// <summary>The longest a request waits for a take; slower, Redis counts as away.</summary>
    public static readonly TimeSpan TakeTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a replica counts alone after Redis failed, before it asks Redis again.</summary>
    public static readonly TimeSpan RetryRedisAfter = TimeSpan.FromSeconds(5);

    // Per Redis connection: until when it counts as away (ticks of the UTC clock; 0 while it answers).
    private static readonly ConditionalWeakTable<IConnectionMultiplexer, StrongBox<long>> AwayUntil = new();

    // Grants at most @block of what is left of @limit under @key, which lives until its window is over.
    private static readonly LuaScript Take = LuaScript.Prepare("""
        local used = tonumber(redis.call('GET', @key) or '0')
        local grant = math.min(tonumber(@block), tonumber(@limit) - used)
        if grant <= 0 then return 0 end
        redis.call('INCRBY', @key, grant)
        redis.call('PEXPIREAT', @key, @expireAt)
        return grant
        """);

    private static readonly RateLimitLease Granted = new Lease(true, null);
    private static readonly RateLimitLease NotHeld = new Lease(false, null);

    private readonly string _key;
    private readonly TimeSpan _window;
    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly StrongBox<long> _awayUntil;
    private readonly Lock _gate = new();

    private long _windowIndex = -1;
    private int _held;
    private int _spent; // permits this replica spent in this window, from Redis or counting alone
    private int _block = 1;
    private bool _exhausted;
    private Task? _taking;
    private long _lastUsed;
    private long _successful;
    private long _failed;

    /// <param name="key">The caller's key in Redis, e.g. <c>pocdir:per-client:account:abc</c>; the window's number is appended.</param>
    public SharedWindowRateLimiter(string key, int permitLimit, TimeSpan window, IConnectionMultiplexer redis, TimeProvider clock, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromSeconds(1));
        _key = key;
        PermitLimit = permitLimit;
        _window = window;
        _redis = redis;
        _clock = clock;
        _logger = logger;
        _lastUsed = clock.GetTimestamp();
        _awayUntil = AwayUntil.GetValue(redis, _ => new StrongBox<long>());
    }

    public int PermitLimit { get; }

    /// <summary>
    /// Not idle while a take is under way, nor while it holds, has spent or has run out of permits of the current window:
    /// a new limiter would count it from zero when Redis is away.
    /// </summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                return _taking is not null || ((_held > 0 || _spent > 0 || _exhausted) && CurrentIndex() == _windowIndex) ? null : _clock.GetElapsedTime(_lastUsed);
            }
        }
    }

    private long CurrentIndex() => _clock.GetUtcNow().ToUnixTimeMilliseconds() / (long)_window.TotalMilliseconds;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _held,
                TotalSuccessfulLeases = Interlocked.Read(ref _successful),
                TotalFailedLeases = Interlocked.Read(ref _failed),
            };
        }
    }

    // The middleware tries this first and calls AcquireAsync when it is refused: permits held here are spent at once,
    // and taking more from Redis happens there.
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, PermitLimit);
        lock (_gate)
        {
            Roll();
            if (_held >= permitCount && (permitCount > 0 || !_exhausted))
            {
                return Spend(permitCount);
            }
            // Counted once, where the middleware asks next (AcquireAsync).
            return _exhausted ? Refusal() : NotHeld;
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, PermitLimit);
        while (true)
        {
            Task taking;
            TaskCompletionSource? mine = null;
            long windowIndex;
            int block;
            lock (_gate)
            {
                Roll();
                if (_held >= Math.Max(permitCount, 1))
                {
                    return Spend(permitCount);
                }
                if (_exhausted || _spent > PermitLimit - permitCount)
                {
                    _exhausted = true; // this replica alone has spent the whole limit (some of it while Redis was away)
                    return Refused();
                }
                if (RedisAway())
                {
                    return Alone(permitCount);
                }
                windowIndex = _windowIndex;
                block = Math.Max(_block, permitCount);
                if (_taking is null)
                {
                    mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _taking = mine.Task;
                }
                taking = _taking;
            }
            if (mine is not null)
            {
                _ = TakeAsync(mine, windowIndex, block); // one take at a time; the others wait for it
            }
            try
            {
                await taking.WaitAsync(TakeTimeout, _clock, cancellationToken);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                // Any fault of the take (Redis away, slow, refusing the script): never a 500 for the caller.
                if (Interlocked.Exchange(ref _awayUntil.Value, (_clock.GetUtcNow() + RetryRedisAfter).UtcTicks) == 0)
                {
                    LogRedisAway(ex.GetType().Name, ex);
                }
                lock (_gate)
                {
                    Roll();
                    if (_held >= Math.Max(permitCount, 1))
                    {
                        return Spend(permitCount); // a take that landed meanwhile
                    }
                    return _exhausted ? Refused() : Alone(permitCount);
                }
            }
        }
    }

    /// <summary>Redis failed less than <see cref="RetryRedisAfter"/> ago, or its connection is down: the replica counts alone.</summary>
    private bool RedisAway()
    {
        var until = Interlocked.Read(ref _awayUntil.Value);
        if (until != 0 && _clock.GetUtcNow().UtcTicks < until)
        {
            return true;
        }
        if (!_redis.IsConnected)
        {
            if (until == 0 && Interlocked.CompareExchange(ref _awayUntil.Value, (_clock.GetUtcNow() + RetryRedisAfter).UtcTicks, 0) == 0)
            {
                LogRedisAway("not connected", null);
            }
            return true;
        }
        return false;
    }

    /// <summary>The caller counted in this process only, the whole limit per window, while Redis is away.</summary>
    private RateLimitLease Alone(int permitCount)
    {
        if (_spent > PermitLimit - permitCount)
        {
            return Refused();
        }
        _spent += permitCount;
        Interlocked.Increment(ref _successful);
        return Granted;
    }

    private async Task TakeAsync(TaskCompletionSource done, long windowIndex, int block)
    {
        try
        {
            var windowMs = (long)_window.TotalMilliseconds;
            var started = _clock.GetTimestamp();
            var granted = (long)await _redis.GetDatabase().ScriptEvaluateAsync(Take, new
            {
                key = (RedisKey)$"{_key}:{windowIndex}",
                block,
                limit = PermitLimit,
                expireAt = (windowIndex + 1) * windowMs + 5_000, // a few seconds of clock skew between replicas
            });
            // An answer later than a request waits is not Redis back: the replica keeps counting alone until the next try.
            if (_clock.GetElapsedTime(started) <= TakeTimeout && Interlocked.Exchange(ref _awayUntil.Value, 0) != 0)
            {
                LogRedisBack();
            }
            lock (_gate)
            {
                if (_windowIndex == windowIndex) // else a new window began meanwhile: what was taken belongs to the old one
                {
                    _held += (int)granted;
                    _exhausted = granted == 0;
                    _block = Math.Min(_block * 2, MaxBlock);
                }
                _taking = null;
            }
            done.SetResult();
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _taking = null;
            }
            done.SetException(ex);
            _ = done.Task.Exception; // observed here: every waiter may have gone
        }
    }

    /// <summary>Starts the clock's current window when it is not the one the permits held belong to.</summary>
    private void Roll()
    {
        _lastUsed = _clock.GetTimestamp();
        var index = CurrentIndex();
        if (index != _windowIndex)
        {
            _windowIndex = index;
            _held = 0;
            _spent = 0;
            _block = 1;
            _exhausted = false;
        }
    }

    private RateLimitLease Spend(int permitCount)
    {
        _held -= permitCount;
        _spent += permitCount;
        Interlocked.Increment(ref _successful);
        return Granted;
    }

    private RateLimitLease Refused()
    {
        Interlocked.Increment(ref _failed);
        return Refusal();
    }

    /// <summary>A refusal that says when the window ends.</summary>
    private RateLimitLease Refusal()
    {
        var windowMs = (long)_window.TotalMilliseconds;
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return new Lease(false, TimeSpan.FromMilliseconds(Math.Max(1, (_windowIndex + 1) * windowMs - now)));
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name ? wait : null;
            return metadata is not null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis away for the shared request limits ({Reason}); each caller is counted in this process until it answers")]
    private partial void LogRedisAway(string reason, Exception? ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again: the request limits are shared again")]
    private partial void LogRedisBack();
}
