using Microsoft.EntityFrameworkCore;

namespace PocDirectory.BuildingBlocks.ReferenceData;

/// <summary>
/// A service's own copy of one State's reference data, kept from the Directory's
/// <c>MemberStatePublished</c> events: services never read each other's databases.
/// </summary>
public sealed class MemberStateCopy
{
    public string Iso2 { get; set; } = "";
    public string Iso3 { get; set; } = "";
    public string Name { get; set; } = "";
    public string RegionalGroup { get; set; } = "";
    public string UnStatus { get; set; } = "";
    public long Revision { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

public static class MemberStateCopyModel
{
    public static ModelBuilder AddMemberStateCopy(this ModelBuilder model)
    {
        model.Entity<MemberStateCopy>(e =>
        {
            e.ToTable("member_states");
            e.HasKey(s => s.Iso2);
            e.Property(s => s.Iso2).HasMaxLength(2);
            e.Property(s => s.Iso3).HasMaxLength(3);
            e.Property(s => s.Name).HasMaxLength(200);
            e.Property(s => s.RegionalGroup).HasMaxLength(40);
            e.Property(s => s.UnStatus).HasMaxLength(20);
        });
        return model;
    }
}
