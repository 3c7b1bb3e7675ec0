namespace PocDirectory.Contracts.Audit;

/// <summary>
/// Something a person or a client did (or tried to do), recorded by the service that did it in the
/// same transaction as the act, for the one append-only, hash-chained audit log that Identity keeps.
/// </summary>
public sealed record AuditRecorded
{
    public required Guid AuditId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The service that recorded it (resource name).</summary>
    public required string Service { get; init; }

    /// <summary>Who: the subject of the token, a client id, or <c>operator:{user}</c> for a command run on the server.</summary>
    public required string Actor { get; init; }

    /// <summary>The actor's roles at the time (space-separated), if any.</summary>
    public string? Roles { get; init; }

    /// <summary>The State the actor acts for (ISO 3166-1 alpha-3), if bound to one.</summary>
    public string? State { get; init; }

    /// <summary>What, as <c>noun.verb</c>: <c>token.issued</c>, <c>machine-client.created</c>, …</summary>
    public required string Action { get; init; }

    /// <summary>What it was done to, e.g. a client id or an entry id.</summary>
    public string? Target { get; init; }

    /// <summary><see cref="AuditOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    public string? Detail { get; init; }

    public string? TraceId { get; init; }

    public string? ClientIp { get; init; }
}

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
}
