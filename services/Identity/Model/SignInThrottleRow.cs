namespace PocDirectory.Identity.Model;

/// <summary>
/// Failed sign-in attempts counted under one key (an account, an address, or the two together):
/// how many since the last success or quiet spell, and when the last one was.
/// </summary>
public sealed class SignInThrottleRow
{
    /// <summary>The scope and a SHA-256 of what it counts ("account:…", "address:…", "pair:…").</summary>
    public string Key { get; set; } = "";

    public int Failures { get; set; }

    public DateTimeOffset LastFailureAt { get; set; }
}
