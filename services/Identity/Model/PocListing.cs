namespace PocDirectory.Identity.Model;

/// <summary>
/// A listed point of contact as Identity last applied it: the entry's version and the address whose
/// account holds the role for it. Messages older than <see cref="Version"/> change nothing (a
/// redelivered or replayed approval cannot give a replaced person the role back).
/// </summary>
public sealed class PocListing
{
    public Guid PocId { get; set; }

    public string State { get; set; } = "";

    /// <summary>Lower case.</summary>
    public string Email { get; set; } = "";

    public int Version { get; set; }

    public DateTimeOffset? WithdrawnAt { get; set; }
}
