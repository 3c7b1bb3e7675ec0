namespace PocDirectory.Directory.Model;

public static class RegionalGroups
{
    /// <summary>The official names used in New York.</summary>
    public static string DisplayName(RegionalGroup group) => group switch
    {
        RegionalGroup.African => "African States",
        RegionalGroup.AsiaPacific => "Asia-Pacific States",
        RegionalGroup.EasternEuropean => "Eastern European States",
        RegionalGroup.LatinAmericanAndCaribbean => "Latin American and Caribbean States",
        RegionalGroup.WesternEuropeanAndOthers => "Western European and other States",
        _ => "No regional group",
    };

    private static readonly Dictionary<string, RegionalGroup> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AG"] = RegionalGroup.African,
        ["APG"] = RegionalGroup.AsiaPacific,
        ["EEG"] = RegionalGroup.EasternEuropean,
        ["GRULAC"] = RegionalGroup.LatinAmericanAndCaribbean,
        ["WEOG"] = RegionalGroup.WesternEuropeanAndOthers,
    };

    /// <summary>Accepts the enum name (any case) or the usual abbreviation (AG, APG, EEG, GRULAC, WEOG).</summary>
    public static bool TryParse(string? value, out RegionalGroup group)
    {
        group = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }
        value = value.Trim();
        if (Abbreviations.TryGetValue(value, out group))
        {
            return true;
        }
        // Exact names only: Enum.TryParse would also take numbers and comma-separated combinations.
        var name = Enum.GetNames<RegionalGroup>().FirstOrDefault(n => n.Equals(value, StringComparison.OrdinalIgnoreCase));
        return name is not null && Enum.TryParse(name, out group);
    }

    public static string AllowedValues =>
        string.Join(", ", Enum.GetNames<RegionalGroup>()) + " (or " + string.Join(", ", Abbreviations.Keys) + ")";
}
