using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PocDirectory.Contracts.Audit;

namespace PocDirectory.Identity.Audit;

/// <summary>
/// One record of the audit log. Records are numbered without gaps and chained: each one's hash covers
/// its own fields and the previous record's hash, so changing, removing or inserting a record breaks
/// every hash after it. The table also refuses UPDATE, DELETE and TRUNCATE (a trigger).
/// </summary>
public sealed class AuditEntry
{
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

    public static AuditEntry Create(AuditRecorded record, long sequence, byte[] previousHash)
    {
        var entry = new AuditEntry
        {
            Sequence = sequence,
            AuditId = record.AuditId,
            // Microseconds: what PostgreSQL keeps, so the hash reads back the same.
            OccurredAt = new DateTimeOffset(record.OccurredAt.UtcTicks / 10 * 10, TimeSpan.Zero),
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
        entry.Hash = entry.ComputeHash();
        return entry;
    }

    private static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    /// <summary>SHA-256 over the previous hash and every field, each length-prefixed so no two records encode alike.</summary>
    public byte[] ComputeHash()
    {
        var text = new StringBuilder();
        foreach (var field in new[]
        {
            Sequence.ToString(CultureInfo.InvariantCulture), AuditId.ToString("N"),
            OccurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            Service, Actor, Roles, State, Action, Target, Outcome, Detail, TraceId, ClientIp,
        })
        {
            text.Append(field is null ? "-1:" : $"{field.Length}:{field}").Append('|');
        }
        return SHA256.HashData([.. PreviousHash, .. Encoding.UTF8.GetBytes(text.ToString())]);
    }
}
