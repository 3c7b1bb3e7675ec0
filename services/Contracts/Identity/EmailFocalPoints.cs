namespace PocDirectory.Contracts.Identity;

/// <summary>
/// Asks Identity, which knows who holds the focal-point role for each State, to send one e-mail from
/// a Notifications template to each of the State's active focal points. Identity adds the value
/// <c>name</c> (the focal point's name). The same <see cref="RequestId"/> twice sends nothing more.
/// </summary>
public sealed record EmailFocalPoints
{
    public required Guid RequestId { get; init; }

    /// <summary>ISO 3166-1 alpha-3.</summary>
    public required string State { get; init; }

    public required string Template { get; init; }

    public required IReadOnlyDictionary<string, string> Values { get; init; }

    public required string RequestedBy { get; init; }
}
