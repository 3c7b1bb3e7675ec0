using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PocDirectory.Contracts.Audit;
using PocDirectory.BuildingBlocks.Persistence;

namespace PocDirectory.Identity.Audit;

/// <summary>
/// One record of the audit log. Records are numbered without gaps and chained: each one's hash covers
/// its own fields and the previous record's hash, so changing, removing or inserting a record breaks
/// every hash after it. Since <see cref="Keyed"/>, the hash is an HMAC with a key the database does not
/// hold (<see cref="AuditChainKey"/>): nobody without it can write a record that verifies. The table
/// also refuses UPDATE, DELETE and TRUNCATE (a trigger).
/// </summary>
public sealed class AuditEntry
{
    /// <summary>How <see cref="Hash"/> was made: SHA-256 (records written before the chain was keyed).</summary>
    public const short Unkeyed = 1;

    /// <summary>HMAC-SHA256 with the chain key, over the sender too.</summary>
    public const short Keyed = 2;

    public short Chain { get; set; } = Keyed;

    /// <summary>The program that sent the record over the broker, as the message says (its assembly and host).</summary>
    public string? Sender { get; set; }

    public long Sequence { get; set; }

    public Guid AuditId { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public required string Service { get; set; }

    public required string Actor { get; set; }

    public string? Roles { get; set; }

    public string? State { get; set; }

    public required string Action { get; set; }

    public string? Target { get; set; }

    public required string Outcome { get; set; }

    public string? Detail { get; set; }

    public string? TraceId { get; set; }

    public string? ClientIp { get; set; }

    public required byte[] PreviousHash { get; set; }

    public required byte[] Hash { get; set; }

    /// <summary>The hash of the record before the first.</summary>
    public static readonly byte[] Genesis = new byte[32];

    public static AuditEntry Create(AuditRecorded record, long sequence, byte[] previousHash, byte[] key, string? sender)
    {
        var entry = new AuditEntry
        {
            Chain = Keyed,
            Sender = Cut(sender, 128),
            Sequence = sequence,
            AuditId = record.AuditId,
            // Microseconds: what PostgreSQL keeps, so the hash reads back the same.
            OccurredAt = PostgresTime.Microseconds(record.OccurredAt),
            // Cut to the columns' sizes: a record too long to store would be lost from the chain.
            Service = Cut(record.Service, 64)!,
            Actor = Cut(record.Actor, 256)!,
            Roles = Cut(record.Roles, 256),
            State = Cut(record.State, 3),
            Action = Cut(record.Action, 64)!,
            Target = Cut(record.Target, 256),
            Outcome = Cut(record.Outcome, 16)!,
            Detail = Cut(record.Detail, 2000),
            TraceId = Cut(record.TraceId, 32),
            ClientIp = Cut(record.ClientIp, 64),
            PreviousHash = previousHash,
            Hash = [],
        };
        entry.Hash = entry.ComputeHash(key);
        return entry;
    }

    private static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    /// <summary>
    /// Over the previous hash and every field, each length-prefixed so no two records encode alike:
    /// HMAC-SHA256 with <paramref name="key"/> for a keyed record (its sender included), SHA-256 for an
    /// unkeyed one.
    /// </summary>
    public byte[] ComputeHash(byte[] key)
    {
        var text = new StringBuilder();
        foreach (var field in new[]
        {
            Sequence.ToString(CultureInfo.InvariantCulture), AuditId.ToString("N"),
            OccurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            Service, Actor, Roles, State, Action, Target, Outcome, Detail, TraceId, ClientIp,
        }.Concat(Chain == Keyed ? [Sender] : []))
        {
            text.Append(field is null ? "-1:" : $"{field.Length}:{field}").Append('|');
        }
        byte[] content = [.. PreviousHash, .. Encoding.UTF8.GetBytes(text.ToString())];
        return Chain == Keyed ? HMACSHA256.HashData(key, content) : SHA256.HashData(content);
    }
}
