namespace PocDirectory.Nominations.Model;

public sealed record PhoneInput(string? Number, string? Kind);

public sealed record AvailabilityInput(bool Always, IReadOnlyList<string>? Days, string? From, string? To);

/// <summary>
/// A nomination's details as the focal point typed them. A draft may be incomplete; submitting
/// checks every field (<see cref="PocDetailsValidator"/>) and freezes the normalized result.
/// </summary>
public sealed record NominationInput
{
    public string? Type { get; init; }
    public string? FullName { get; init; }
    public string? Title { get; init; }
    public string? Organization { get; init; }
    public string? Email { get; init; }
    public IReadOnlyList<PhoneInput>? Phones { get; init; }
    public IReadOnlyList<string>? Languages { get; init; }
    public string? TimeZone { get; init; }
    public AvailabilityInput? Availability { get; init; }
    public bool IsAlternate { get; init; }

    /// <summary>ASCII-armored OpenPGP public key (technical points of contact).</summary>
    public string? PgpKey { get; init; }
}
