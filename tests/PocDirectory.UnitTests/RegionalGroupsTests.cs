using PocDirectory.Directory.Model;

namespace PocDirectory.UnitTests;

public sealed class RegionalGroupsTests
{
    [Theory]
    [InlineData("African", RegionalGroup.African)]
    [InlineData("asiapacific", RegionalGroup.AsiaPacific)]
    [InlineData("WEOG", RegionalGroup.WesternEuropeanAndOthers)]
    [InlineData("grulac", RegionalGroup.LatinAmericanAndCaribbean)]
    [InlineData(" EEG ", RegionalGroup.EasternEuropean)]
    [InlineData("APG", RegionalGroup.AsiaPacific)]
    [InlineData("AG", RegionalGroup.African)]
    public void Names_and_usual_abbreviations_are_understood(string value, RegionalGroup expected)
    {
        Assert.True(RegionalGroups.TryParse(value, out var group));
        Assert.Equal(expected, group);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    [InlineData("3")]
    [InlineData("Europe")]
    [InlineData("African,AsiaPacific")]
    public void Anything_else_is_rejected(string? value)
    {
        Assert.False(RegionalGroups.TryParse(value, out _));
    }

    [Fact]
    public void Every_group_has_an_official_name()
    {
        foreach (var group in Enum.GetValues<RegionalGroup>())
        {
            Assert.False(string.IsNullOrWhiteSpace(RegionalGroups.DisplayName(group)));
        }
        Assert.Equal("Western European and other States", RegionalGroups.DisplayName(RegionalGroup.WesternEuropeanAndOthers));
    }
}
