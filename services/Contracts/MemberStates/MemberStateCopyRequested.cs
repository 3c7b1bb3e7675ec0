namespace PocDirectory.Contracts.MemberStates;

/// <summary>
/// A service found its copy of the Member States empty (first start, restored database) and asked
/// the Directory to publish every State again. The Directory answers with one
/// <see cref="MemberStatePublished"/> per State.
/// </summary>
public sealed record MemberStateCopyRequested
{
    /// <summary>Resource name of the asking service, for logs and diagnostics.</summary>
    public required string RequestedBy { get; init; }
}
