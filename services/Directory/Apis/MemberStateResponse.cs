using PocDirectory.Directory.Model;

namespace PocDirectory.Directory.Apis;

public sealed record MemberStateResponse(
    string Iso2,
    string Iso3,
    string Name,
    string RegionalGroup,
    string RegionalGroupName,
    string UnStatus)
{
    public static MemberStateResponse From(MemberState s) =>
        new(s.Iso2, s.Iso3, s.Name, s.RegionalGroup.ToString(), RegionalGroups.DisplayName(s.RegionalGroup), s.UnStatus.ToString());
}
