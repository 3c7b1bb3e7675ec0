namespace PocDirectory.Contracts.MemberStates;

/// <summary>
/// The Directory service states the current reference data of one Member State or observer State.
/// Published when the data changes and again whenever a service asks for a full copy, so consumers
/// upsert it and ignore a <see cref="Revision"/> older than the one they hold.
/// </summary>
public sealed record MemberStatePublished
{
    /// <summary>ISO 3166-1 alpha-2 code, upper case; the State's identity across services.</summary>
    public required string Iso2 { get; init; }

    /// <summary>ISO 3166-1 alpha-3 code, upper case.</summary>
    public required string Iso3 { get; init; }

    /// <summary>Short English name as on the UN Member States list.</summary>
    public required string Name { get; init; }

    /// <summary>UN regional group code: African, AsiaPacific, EasternEuropean, LatinAmericanAndCaribbean, WesternEuropeanAndOthers or None.</summary>
    public required string RegionalGroup { get; init; }

    /// <summary>Member or Observer.</summary>
    public required string UnStatus { get; init; }

    /// <summary>Increases with every change of this State's data in the Directory.</summary>
    public required long Revision { get; init; }
}
