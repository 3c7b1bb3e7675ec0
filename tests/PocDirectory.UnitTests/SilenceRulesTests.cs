using Microsoft.Extensions.Configuration;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Meetings.Schedule;
using PocDirectory.Meetings.Silence;
using PocDirectory.Meetings.Stakeholders;

namespace PocDirectory.UnitTests;

/// <summary>The shortest silence and period for objections, and an expiry given as a day and a time of day in a zone.</summary>
public sealed class SilenceRulesTests
{
    private static IConfiguration Configured(Dictionary<string, string?>? settings = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();

    [Fact]
    public void Unless_configured_silence_lasts_at_least_72_hours_and_objections_to_accreditation_72_hours()
    {
        // General Assembly decision 74/544: a silence procedure of no less than 72 hours.
        Assert.Equal(TimeSpan.FromHours(72), SilenceRules.Minimum(Configured()));
        Assert.Equal(TimeSpan.FromHours(72), AccreditationRules.Minimum(Configured()));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("24", 24)]
    [InlineData("-5", 0)]
    public void A_configured_minimum_is_the_one_used_and_each_setting_changes_only_its_own(string hours, int expected)
    {
        Assert.Equal(TimeSpan.FromHours(expected), SilenceRules.Minimum(Configured(new() { ["Meetings:SilenceMinimumHours"] = hours })));
        Assert.Equal(TimeSpan.FromHours(72), AccreditationRules.Minimum(Configured(new() { ["Meetings:SilenceMinimumHours"] = hours })));
        Assert.Equal(TimeSpan.FromHours(expected), AccreditationRules.Minimum(Configured(new() { ["Meetings:AccreditationMinimumHours"] = hours })));
        Assert.Equal(TimeSpan.FromHours(72), SilenceRules.Minimum(Configured(new() { ["Meetings:AccreditationMinimumHours"] = hours })));
    }

    [Theory]
    [InlineData("2023-03-12", "02:30", "the clocks skip it")]
    [InlineData("2023-11-05", "01:30", "happens twice")]
    public void An_expiry_the_clocks_of_New_York_skip_or_pass_twice_is_refused_under_its_time(string date, string time, string reason)
    {
        var errors = new FieldErrors();
        Assert.Null(SilenceRules.Expiry(errors, date, time, MeetingTime.NewYork));
        var (field, messages) = Assert.Single(Assert.Throws<FieldErrorsException>(errors.ThrowIfAny).Errors);
        Assert.Equal("expiryTime", field);
        var message = Assert.Single(messages);
        Assert.Contains(reason, message);
        Assert.Contains(MeetingTime.NewYork, message);
    }

    [Fact]
    public void An_expiry_in_New_York_time_is_the_one_instant_it_names_in_winter_and_in_summer()
    {
        var errors = new FieldErrors();
        // 6.00 pm in New York on 25 January 2022 is 23:00 UTC (EST); on 25 July 2022 it is 22:00 UTC (EDT).
        var winter = SilenceRules.Expiry(errors, "2022-01-25", "18:00", null);
        var named = SilenceRules.Expiry(errors, "2022-01-25", "18:00", MeetingTime.NewYork);
        var summer = SilenceRules.Expiry(errors, "2022-07-25", "18:00", null);
        Assert.False(errors.Any);
        Assert.Equal(new DateTimeOffset(2022, 1, 25, 23, 0, 0, TimeSpan.Zero), winter?.At);
        Assert.Equal(TimeSpan.Zero, winter?.At.Offset);
        Assert.Equal(MeetingTime.NewYork, winter?.Zone);
        Assert.Equal(winter, named);
        Assert.Equal(new DateTimeOffset(2022, 7, 25, 22, 0, 0, TimeSpan.Zero), summer?.At);
        Assert.Equal("2022-01-25T23:00:00Z", AccreditationRules.Iso(winter?.At ?? default));
    }
}
