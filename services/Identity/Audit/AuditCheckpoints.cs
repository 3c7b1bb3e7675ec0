using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Audit;

/// <summary>
/// The audit log's head as it was at <see cref="At"/>, kept outside the database and signed with the
/// chain key: a record removed from the end, or the chain rewritten, no longer matches it.
/// </summary>
public sealed record AuditCheckpoint(long Sequence, string Hash, long KeyedFrom, DateTimeOffset At, string Mac)
{
    public byte[] HashBytes => Convert.FromHexString(Hash ?? "");

    public static AuditCheckpoint Sign(long sequence, byte[] hash, long keyedFrom, DateTimeOffset at, byte[] key)
    {
        var hex = Convert.ToHexStringLower(hash);
        return new AuditCheckpoint(sequence, hex, keyedFrom, at, Convert.ToHexStringLower(Compute(sequence, hex, keyedFrom, at, key)));
    }

    public bool IsSignedWith(byte[] key)
    {
        try
        {
            return CryptographicOperations.FixedTimeEquals(Compute(Sequence, Hash, KeyedFrom, At, key), Convert.FromHexString(Mac));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentNullException)
        {
            return false;
        }
    }

    private static byte[] Compute(long sequence, string hash, long keyedFrom, DateTimeOffset at, byte[] key) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"pocdir-audit-checkpoint|{sequence}|{hash}|{keyedFrom}|{at.ToUnixTimeMilliseconds()}")));
}

/// <summary>
/// The checkpoint file (<c>Audit:CheckpointFile</c>): one JSON line per checkpoint, appended, never
/// rewritten; in the state folder for local runs (<c>.pocdir/audit/checkpoints.jsonl</c>). In a
/// deployment it belongs on storage the database's administrators cannot write, or shipped there.
/// </summary>
public sealed class AuditCheckpointFile(IConfiguration configuration)
{
    public const string ConfigurationKey = "Audit:CheckpointFile";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string? Path { get; } = configuration[ConfigurationKey] is { Length: > 0 } path ? System.IO.Path.GetFullPath(path) : null;

    /// <summary>Every checkpoint written so far; a line that cannot be read is a problem, named.</summary>
    public IReadOnlyList<AuditCheckpoint> ReadAll()
    {
        if (Path is null || !File.Exists(Path))
        {
            return [];
        }
        var checkpoints = new List<AuditCheckpoint>();
        var number = 0;
        foreach (var line in File.ReadLines(Path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                var checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(line, Json) ?? throw new JsonException("empty");
                if (checkpoint.Hash is null || checkpoint.Mac is null)
                {
                    throw new JsonException("hash or mac missing");
                }
                checkpoints.Add(checkpoint);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Line {number} of {Path} is not a checkpoint: {ex.Message}");
            }
        }
        return checkpoints;
    }

    public void Append(AuditCheckpoint checkpoint)
    {
        if (Path is null)
        {
            return;
        }
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            // For its owner alone, as the secrets beside it.
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        // One write with O_APPEND: replicas on one machine append whole lines, never inside each other's.
        using var stream = new FileStream(Path, options);
        stream.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(checkpoint, Json) + "\n"));
        stream.Flush(flushToDisk: true);
    }
}

/// <summary>
/// Writes a checkpoint of the log's head every <c>Audit:CheckpointSeconds</c> (30) when it has moved:
/// a record cut from the end of the log can only be one appended since the last checkpoint.
/// </summary>
public sealed partial class AuditCheckpointWriter(
    IServiceScopeFactory scopes, AuditCheckpointFile file, AuditChainKey key, IConfiguration configuration, TimeProvider clock,
    ILogger<AuditCheckpointWriter> logger) : BackgroundService
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(configuration.GetValue("Audit:CheckpointSeconds", 30.0));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (file.Path is null)
        {
            LogNoFile();
            return;
        }
        var written = 0L;
        try
        {
            written = file.ReadAll().Select(c => c.Sequence).DefaultIfEmpty(0).Max();
        }
        catch (InvalidDataException ex)
        {
            LogUnreadable(ex);
        }
        if (written == 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await AuditLog.HeadAsync(scope.ServiceProvider.GetRequiredService<PocIdentityDbContext>(), stoppingToken) is { KeyedFrom: > 0 } head)
            {
                // Keyed records, and no checkpoint of them: the earlier checkpoints are lost, and the next one can
                // vouch only for the log as it is now, whatever happened to it meanwhile.
                LogCheckpointsLost(head.Sequence);
            }
        }
        using var timer = new PeriodicTimer(_interval, clock);
        do
        {
            try
            {
                written = await WriteIfMovedAsync(written, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Writes a checkpoint when the head is past <paramref name="written"/>; returns the newest checkpointed record.</summary>
    public async Task<long> WriteIfMovedAsync(long written, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PocIdentityDbContext>();
        if (await AuditLog.HeadAsync(db, ct) is not { } head || head.Sequence <= written)
        {
            return written;
        }
        file.Append(AuditCheckpoint.Sign(head.Sequence, head.Hash, head.KeyedFrom, clock.GetUtcNow(), key.Bytes));
        return head.Sequence;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit:CheckpointFile is not set: no checkpoints of the audit log are written, and records cut from its end would go unnoticed")]
    private partial void LogNoFile();

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit checkpoint file cannot be read; new checkpoints are appended to it anyway")]
    private partial void LogUnreadable(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit log holds keyed records up to {Sequence} but the checkpoint file has none of them: earlier checkpoints were lost, and new ones vouch only for the log as it is now")]
    private partial void LogCheckpointsLost(long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "An audit checkpoint could not be written; trying again at the next interval")]
    private partial void LogFailed(Exception ex);
}
