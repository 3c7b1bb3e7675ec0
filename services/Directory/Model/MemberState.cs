namespace PocDirectory.Directory.Model;

/// <summary>A UN Member State or observer State: the reference every other record points to.</summary>
public sealed class MemberState
{
    public required string Iso2 { get; init; }
    public required string Iso3 { get; set; }
    public required string Name { get; set; }
    public RegionalGroup RegionalGroup { get; set; }
    public UnStatus UnStatus { get; set; }

    /// <summary>Increases with every change; consumers of the published copy keep the highest.</summary>
    public long Revision { get; set; } = 1;
}
