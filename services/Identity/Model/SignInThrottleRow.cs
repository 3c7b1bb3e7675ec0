namespace PocDirectory.Identity.Model;

/// <summary>
/// Failed sign-in attempts counted under one key (an account, an address, the two together, or an
/// account's second factor): how many were counted when the row was last written (less those
/// forgiven since <see cref="UpdatedAt"/>, see <see cref="Accounts.SignInThrottle.Forgiven"/>), and when the last failure was.
/// </summary>
public sealed class SignInThrottleRow
{
    /// <summary>The scope and a SHA-256 of what it counts ("account:…", "address:…", "pair:…", "code:…").</summary>
    public string Key { get; set; } = "";

    public double Failures { get; set; }

    public DateTimeOffset LastFailureAt { get; set; }

    /// <summary>The forgiveness clock: failures are forgiven one per rule's period from here.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
