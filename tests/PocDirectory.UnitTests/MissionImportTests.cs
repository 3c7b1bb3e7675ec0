using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Meetings.Missions;

namespace PocDirectory.UnitTests;

public sealed class MissionImportTests
{
    private static readonly List<MemberStateCopy> States =
    [
        new() { Iso2 = "FR", Iso3 = "FRA", Name = "France", UnStatus = "Member" },
        new() { Iso2 = "KE", Iso3 = "KEN", Name = "Kenya", UnStatus = "Member" },
        new() { Iso2 = "VA", Iso3 = "VAT", Name = "Holy See", UnStatus = "Observer" },
        new() { Iso2 = "JP", Iso3 = "JPN", Name = "Japan", UnStatus = "Member" },
    ];

    [Fact]
    public void Each_good_row_is_kept_and_each_other_one_is_refused_with_its_line_and_why()
    {
        var csv = "\uFEFFState,Name,Emails\r\n"
            + "FRA,,france@un.example.org; mission.fr@example.org\r\n"
            + "ke,\"Permanent Mission of the Republic of Kenya to the United Nations\",kenya@un.example.org\r\n"
            + "\r\n"
            + "ATL,Atlantis,atlantis@example.org\r\n"
            + "VAT,,not-an-address\r\n"
            + "JPN,,\r\n";
        var (good, refused) = MissionImport.Read(csv, States);

        Assert.Equal([("FRA", 2, null, 2), ("KEN", 3, "Permanent Mission of the Republic of Kenya to the United Nations", 1)],
            good.Select(g => (g.State.Iso3, g.Line, g.Name, g.Emails.Count)));
        Assert.Equal([(5, "ATL"), (6, "VAT"), (7, "JPN")], refused.Select(r => (r.Line, r.State!)));
        Assert.Contains("not the ISO code", Assert.Single(refused[0].Errors));
        Assert.Contains("'not-an-address' is not an e-mail address.", refused[1].Errors);
        Assert.Contains("at least one official e-mail address", Assert.Single(refused[2].Errors));
    }

    [Fact]
    public void A_State_given_twice_is_refused_both_times()
    {
        var (good, refused) = MissionImport.Read("state,emails\nFRA,a@example.org\nKEN,k@example.org\nFR,b@example.org\n", States);
        Assert.Equal("KEN", Assert.Single(good).State.Iso3);
        Assert.Equal([2, 4], refused.Select(r => r.Line));
        Assert.All(refused, r => Assert.Equal("France is on lines 2 and 4: give it once.", Assert.Single(r.Errors)));
    }

    [Fact]
    public void A_row_with_more_fields_than_the_header_or_an_unclosed_quote_is_refused_and_without_a_name_column_names_stay()
    {
        var (good, refused) = MissionImport.Read("state,emails\nFRA,a@example.org,b@example.org\nKEN,k@example.org\nJPN,\"j@example.org\n", States);
        var kenya = Assert.Single(good);
        Assert.Equal(("KEN", true), (kenya.State.Iso3, kenya.KeepsName));
        Assert.Equal([2, 4], refused.Select(r => r.Line));
        Assert.Contains("separate a mission's addresses with ';'", Assert.Single(refused[0].Errors));
        Assert.Contains(refused[1].Errors, e => e.Contains("quotation mark is not closed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "The file is empty")]
    [InlineData("country,address\nFRA,a@example.org\n", "no column state or emails")]
    public void A_file_that_is_not_a_list_of_missions_is_refused_as_a_whole(string csv, string expected)
    {
        var errors = Assert.Throws<FieldErrorsException>(() => MissionImport.Read(csv, States)).Errors;
        Assert.Contains(expected, Assert.Single(errors["file"]));
    }

    [Fact]
    public void A_mission_is_named_as_the_United_Nations_names_it()
    {
        Assert.Equal("Permanent Mission of France to the United Nations", PermanentMission.DefaultName(States[0]));
        Assert.Equal("Permanent Observer Mission of the Holy See to the United Nations", PermanentMission.DefaultName(States[2]));
        Assert.Equal("the Islamic Republic of Iran", PermanentMission.InSentence("Iran (Islamic Republic of)"));
        Assert.Equal("the Kingdom of the Netherlands", PermanentMission.InSentence("Netherlands (Kingdom of the)"));
        Assert.Equal("the Niger", PermanentMission.InSentence("Niger"));
        Assert.Equal("Nigeria", PermanentMission.InSentence("Nigeria"));
    }
}
