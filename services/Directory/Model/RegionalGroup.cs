namespace PocDirectory.Directory.Model;

/// <summary>The UN regional groups of Member States, as practised in New York.</summary>
public enum RegionalGroup
{
    /// <summary>African States.</summary>
    African,

    /// <summary>Asia-Pacific States.</summary>
    AsiaPacific,

    /// <summary>Eastern European States.</summary>
    EasternEuropean,

    /// <summary>Latin American and Caribbean States (GRULAC).</summary>
    LatinAmericanAndCaribbean,

    /// <summary>Western European and other States (WEOG).</summary>
    WesternEuropeanAndOthers,

    /// <summary>Belongs to no regional group.</summary>
    None,
}
