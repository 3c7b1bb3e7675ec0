namespace PocDirectory.Contracts.Notifications;

/// <summary>
/// An e-mail will never be delivered: the SMTP server refused the address, the address is not one, or
/// the attempts ran out. Published once per e-mail, so the service that asked can mark the address
/// (a ping test's recipient is undeliverable at once, not after the window).
/// </summary>
public sealed record EmailUndeliverable
{
    public required Guid EmailId { get; init; }

    public required string To { get; init; }

    /// <summary>The resource name of the service that asked for the e-mail.</summary>
    public required string RequestedBy { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset At { get; init; }
}
