using NodaTime;
using PocDirectory.Web.Components.Shared;
using PocDirectory.Web.Services;

namespace PocDirectory.UnitTests;

/// <summary>What the Web's forms and pages say in words for the APIs' codes, and read back from what people type.</summary>
public sealed class WebWordsTests
{
    [Theory]
    [InlineData("German, pt", new[] { "de", "pt" })]
    [InlineData("german , Portuguese (pt)", new[] { "de", "pt" })]
    [InlineData("Chinese (Traditional, Taiwan) (zh-Hant-TW), Serbian (Latin, Serbia) (sr-Latn-RS)", new[] { "zh-Hant-TW", "sr-Latn-RS" })]
    [InlineData("Klingon", new[] { "Klingon" })] // as written, for the service to refuse
    [InlineData(" , ", new string[0])]
    public void Other_languages_are_read_by_name_by_the_list_s_own_entry_or_by_tag(string written, string[] tags) =>
        Assert.Equal(tags, Choices.LanguageTags(written));

    [Theory]
    [InlineData("de")]
    [InlineData("zh-Hant-TW")]
    [InlineData("sr-Latn-RS")]
    public void A_stored_language_comes_back_as_an_entry_that_reads_as_the_same_tag(string tag) =>
        Assert.Equal([tag], Choices.LanguageTags(Choices.LanguageEntry(tag)));

    [Fact]
    public void The_six_languages_of_the_United_Nations_come_first_and_the_others_are_by_name_without_them()
    {
        Assert.Equal(["ar", "zh", "en", "fr", "ru", "es"], Choices.UnLanguages.Select(l => l.Value));
        Assert.DoesNotContain(Choices.OtherLanguages, l => Choices.UnLanguages.Any(u => u.Value == l.Value));
        Assert.Contains(Choices.OtherLanguages, l => l.Value == "de" && l.Text == "German");
        Assert.Equal(Choices.OtherLanguages.Select(l => l.Text).Order(StringComparer.InvariantCulture), Choices.OtherLanguages.Select(l => l.Text));
    }

    [Fact]
    public void Time_zones_are_by_country_and_city_with_their_offset_at_the_moment_asked()
    {
        var winter = Choices.TimeZones(Instant.FromUtc(2026, 1, 15, 12, 0));
        var summer = Choices.TimeZones(Instant.FromUtc(2026, 7, 15, 12, 0));
        Assert.Equal("Etc/UTC", winter[0].Value);
        Assert.Equal("France — Paris (UTC+01:00)", winter.Single(z => z.Value == "Europe/Paris").Text);
        Assert.Equal("France — Paris (UTC+02:00)", summer.Single(z => z.Value == "Europe/Paris").Text);
        Assert.Equal("Argentina — Buenos Aires (UTC−03:00)", winter.Single(z => z.Value == "America/Argentina/Buenos_Aires").Text);
        Assert.Equal("India — Kolkata (UTC+05:30)", winter.Single(z => z.Value == "Asia/Kolkata").Text);
        Assert.True(winter.Count > 300);
        Assert.Equal(winter.Count, winter.Select(z => z.Value).Distinct().Count());
    }

    [Theory]
    [InlineData(true, new string[0], null, null, "Reachable 24/7")]
    [InlineData(false, new[] { "mon", "tue", "wed", "thu", "fri" }, "09:00", "17:30", "Monday to Friday, 09:00–17:30 local time")]
    [InlineData(false, new[] { "fri", "mon", "wed" }, "08:00", "12:00", "Monday, Wednesday, Friday, 08:00–12:00 local time")]
    [InlineData(false, new[] { "sat" }, "10:00", "14:00", "Saturday, 10:00–14:00 local time")]
    [InlineData(false, new[] { "mon", "tue" }, "09:00", "17:00", "Monday, Tuesday, 09:00–17:00 local time")]
    public void Availability_is_said_in_words(bool always, string[] days, string? from, string? to, string expected) =>
        Assert.Equal(expected, Words.Availability(new PocAvailability(always, days, from, to)));

    [Theory]
    [InlineData("+33144180000", "+33 1 44 18 00 00")]
    [InlineData("+41229171234", "+41 22 917 12 34")]
    [InlineData("+12125550123", "+1 212-555-0123")]
    [InlineData("not a number", "not a number")]
    public void Phone_numbers_are_formatted_for_reading_from_abroad(string stored, string shown) =>
        Assert.Equal(shown, Words.Phone(stored));
}
