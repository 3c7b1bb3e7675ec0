using PocDirectory.Contracts.Notifications;

namespace PocDirectory.Contracts.PointsOfContact;

/// <summary>
/// Asks the Directory, which alone holds the points of contact's addresses, to send one e-mail from a
/// Notifications template to every listed point of contact. The Directory adds the value <c>name</c> (the
/// point of contact's name) and answers with <see cref="PointsOfContactEmailed"/>. Each e-mail's id is
/// derived from <see cref="RequestId"/> and the point of contact: the same request twice sends nothing more.
/// </summary>
public sealed record EmailPointsOfContact
{
    public required Guid RequestId { get; init; }

    /// <summary>What the request is about, in the asking service's words (given back in the answer, e.g. "letter/{id}").</summary>
    public required string Reference { get; init; }

    public required string Template { get; init; }

    public required IReadOnlyDictionary<string, string> Values { get; init; }

    /// <summary>The same calendar object for everyone (METHOD:PUBLISH: it names no attendee), if any.</summary>
    public EmailCalendar? Calendar { get; init; }

    public required string RequestedBy { get; init; }
}

/// <summary>The Directory's answer to <see cref="EmailPointsOfContact"/>: how many points of contact, of how many States, were e-mailed.</summary>
public sealed record PointsOfContactEmailed
{
    public required Guid RequestId { get; init; }

    public required string Reference { get; init; }

    public required string RequestedBy { get; init; }

    public required int PointsOfContact { get; init; }

    public required int States { get; init; }

    public required DateTimeOffset At { get; init; }
}
