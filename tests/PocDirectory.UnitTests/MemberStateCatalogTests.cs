using System.Text.RegularExpressions;
using PocDirectory.Directory.Model;

namespace PocDirectory.UnitTests;

public sealed partial class MemberStateCatalogTests
{
    private static readonly IReadOnlyList<MemberStateSeed> All = MemberStateCatalog.All;

    [Fact]
    public void Catalog_holds_the_193_Member_States_and_two_observer_States()
    {
        Assert.Equal(193, All.Count(s => s.Status == UnStatus.Member));
        Assert.Equal(["Holy See", "State of Palestine"], All.Where(s => s.Status == UnStatus.Observer).Select(s => s.Name).Order());
    }

    [Fact]
    public void Codes_and_names_are_unique_and_well_formed()
    {
        Assert.Equal(All.Count, All.Select(s => s.Iso2).Distinct().Count());
        Assert.Equal(All.Count, All.Select(s => s.Iso3).Distinct().Count());
        Assert.Equal(All.Count, All.Select(s => s.Name).Distinct().Count());
        Assert.All(All, s =>
        {
            Assert.Matches(Alpha2(), s.Iso2);
            Assert.Matches(Alpha3(), s.Iso3);
            Assert.False(string.IsNullOrWhiteSpace(s.Name));
        });
    }

    [Theory]
    [InlineData(RegionalGroup.African, 54)]
    [InlineData(RegionalGroup.AsiaPacific, 54)] // with Cyprus and Kiribati
    [InlineData(RegionalGroup.EasternEuropean, 23)]
    [InlineData(RegionalGroup.LatinAmericanAndCaribbean, 33)]
    [InlineData(RegionalGroup.WesternEuropeanAndOthers, 29)] // 28 and the United States
    public void Member_States_fall_into_the_five_regional_groups_of_New_York(RegionalGroup group, int members)
    {
        Assert.Equal(members, All.Count(s => s.Status == UnStatus.Member && s.Group == group));
    }

    [Theory]
    [InlineData("KE", "KEN", "Kenya", RegionalGroup.African)]
    [InlineData("US", "USA", "United States of America", RegionalGroup.WesternEuropeanAndOthers)]
    [InlineData("SG", "SGP", "Singapore", RegionalGroup.AsiaPacific)]
    [InlineData("UA", "UKR", "Ukraine", RegionalGroup.EasternEuropean)]
    [InlineData("BR", "BRA", "Brazil", RegionalGroup.LatinAmericanAndCaribbean)]
    [InlineData("VA", "VAT", "Holy See", RegionalGroup.None)]
    public void Well_known_States_carry_their_codes_and_group(string iso2, string iso3, string name, RegionalGroup group)
    {
        var state = Assert.Single(All, s => s.Iso2 == iso2);
        Assert.Equal((iso3, name, group), (state.Iso3, state.Name, state.Group));
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex Alpha2();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex Alpha3();
}
