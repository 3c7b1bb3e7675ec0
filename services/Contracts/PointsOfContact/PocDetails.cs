namespace PocDirectory.Contracts.PointsOfContact;

/// <summary>The two kinds of point of contact a State nominates.</summary>
public static class PocTypes
{
    /// <summary>Foreign ministry, policy level.</summary>
    public const string Diplomatic = "diplomatic";

    /// <summary>National CERT/CSIRT or cyber agency; carries an OpenPGP key.</summary>
    public const string Technical = "technical";

    public static readonly IReadOnlyList<string> All = [Diplomatic, Technical];
}

/// <summary>One telephone number in E.164 form (<c>+41227917000</c>) and what it is for.</summary>
public sealed record PocPhone(string Number, string Kind);

/// <summary>When the point of contact answers: around the clock, or on some days between two local times.</summary>
public sealed record PocAvailability(bool Always, IReadOnlyList<string> Days, string? From, string? To);

/// <summary>A technical point of contact's OpenPGP public key, as nominated and as parsed.</summary>
public sealed record PocPgpKey(string Armored, string Fingerprint, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string? UserId);

/// <summary>
/// What a nomination says about a point of contact, checked and normalized by Nominations: phones in
/// E.164, languages as BCP 47 tags, an IANA time zone. The same record travels to the Directory.
/// </summary>
public sealed record PocDetails
{
    public required string Type { get; init; }

    public required string FullName { get; init; }

    public required string Title { get; init; }

    public required string Organization { get; init; }

    public required string Email { get; init; }

    public required IReadOnlyList<PocPhone> Phones { get; init; }

    public required IReadOnlyList<string> Languages { get; init; }

    public required string TimeZone { get; init; }

    public required PocAvailability Availability { get; init; }

    /// <summary>An alternate contact, reached when the main one of its type is not.</summary>
    public bool IsAlternate { get; init; }

    public PocPgpKey? PgpKey { get; init; }
}

/// <summary>What is kept of a withdrawn person's details once the retention period has passed: the kind of contact, nothing of the person.</summary>
public static class RemovedDetails
{
    public const string FullName = "(removed)";

    public static PocDetails Of(string type) => new()
    {
        Type = type,
        FullName = FullName,
        Title = "",
        Organization = "",
        Email = "",
        Phones = [],
        Languages = [],
        TimeZone = "",
        Availability = new PocAvailability(false, [], null, null),
    };
}
