namespace PocDirectory.Contracts.Nominations;

/// <summary>
/// The status of a State's periodic update request changed: <c>open</c> when asked, <c>overdue</c>
/// when unanswered after its deadline, <c>answered</c> when the focal point confirmed or updated every
/// entry. The Directory flags overdue States; the latest <see cref="At"/> per State wins.
/// </summary>
public sealed record UpdateRequestStatusChanged
{
    public required Guid RequestId { get; init; }

    /// <summary>ISO 3166-1 alpha-3.</summary>
    public required string State { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    public required DateTimeOffset At { get; init; }

    public const string Open = "open";
    public const string Overdue = "overdue";
    public const string Answered = "answered";
}
