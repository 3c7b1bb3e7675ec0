using System.Text;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Directory.Reachability;
using PocDirectory.Notifications.Email;

namespace PocDirectory.UnitTests;

/// <summary>Ping tests' rules: settings, results, reachability; the SMTP end-of-data gate; derived ids.</summary>
public sealed class ReachabilityRulesTests
{
    private static readonly IReadOnlySet<string> States = new HashSet<string> { "FRA", "KEN", "BRA" };
    private static readonly DateTimeOffset Start = new(2026, 6, 10, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(new[] { "AG" }, new[] { "technical" }, new[] { "KEN", "FRA" }, "Technical points of contact in the African States group of Kenya and France")]
    [InlineData(new string[0], new string[0], new[] { "FRA" }, "Points of contact of France")]
    [InlineData(new[] { "AG", "WEOG" }, new string[0], new string[0], "Points of contact in the African States and Western European and other States groups")]
    [InlineData(new string[0], new[] { "diplomatic", "technical" }, new[] { "KEN", "FRA", "BRA" }, "Diplomatic and technical points of contact of Kenya, France and Brazil")]
    public void A_campaign_says_who_is_asked_in_words_with_the_States_by_name(string[] groups, string[] types, string[] states, string expected)
    {
        var names = new Dictionary<string, string> { ["FRA"] = "France", ["KEN"] = "Kenya", ["BRA"] = "Brazil" };
        var (scope, _, _) = PingCampaigns.Validate(new PingCampaignRequest([.. groups], [.. types], [.. states], null, null), States);
        Assert.Equal(expected, scope.Describe(code => names[code]));
        Assert.DoesNotContain("France", scope.Describe()); // without names (the audit log): the codes
    }

    [Fact]
    public void A_campaign_defaults_to_a_72_hour_window_with_reminders_at_24_and_48_hours()
    {
        var (scope, window, reminders) = PingCampaigns.Validate(new PingCampaignRequest(null, null, null, null, null, Everyone: true), States);
        Assert.Equal(("All points of contact", 72), (scope.Describe(), window));
        Assert.Equal([24, 48], reminders);
        // A shorter window keeps only the default reminders that fall inside it.
        Assert.Equal([24], PingCampaigns.Validate(new PingCampaignRequest(null, null, ["fra"], 36, null), States).ReminderHours);
    }

    [Fact]
    public void A_campaign_scope_is_normalized_and_every_bad_setting_is_named()
    {
        var (scope, _, reminders) = PingCampaigns.Validate(new PingCampaignRequest(["ag", "WEOG", "AG"], ["Technical"], [" ken "], 100, [60, 12]), States);
        Assert.Equal(["African", "WesternEuropeanAndOthers"], scope.RegionalGroups);
        Assert.Equal(["technical"], scope.Types);
        Assert.Equal(["KEN"], scope.States);
        Assert.Equal([12, 60], reminders);
        Assert.True(scope.Includes("African", "technical", "KEN"));
        Assert.False(scope.Includes("African", "diplomatic", "KEN"));

        var errors = Assert.Throws<FieldErrorsException>(() => PingCampaigns.Validate(new PingCampaignRequest(null, null, null, 721, [721, 5, 5, 1, 2, 3]), States)).Errors;
        Assert.Equal(["reminderHours", "scope", "windowHours"], errors.Keys.Order());
        Assert.Equal(3, errors["reminderHours"].Length); // too many, outside the window, repeated
    }

    [Fact]
    public void Missing_two_campaigns_in_a_row_is_unresponsive_one_is_still_pending()
    {
        Assert.Equal(ReachabilityStatus.Pending, ReachabilityStatus.AfterMiss(1));
        Assert.Equal(ReachabilityStatus.Unresponsive, ReachabilityStatus.AfterMiss(2));
        Assert.Equal(ReachabilityStatus.Unresponsive, ReachabilityStatus.AfterMiss(5));
    }

    [Theory]
    [InlineData(new double[] { }, 0.5, null)]
    [InlineData(new double[] { 7 }, 0.9, 7.0)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.5, 2.0)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.9, 9.0)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 0.9, 10.0)]
    public void Percentiles_are_nearest_rank(double[] sorted, double p, double? expected) =>
        Assert.Equal(expected, PingResults.Percentile(sorted, p));

    [Fact]
    public void Results_count_each_recipient_once_by_group_type_and_State_and_chart_acknowledgements_over_time()
    {
        var campaign = new PingCampaign { Id = Guid.NewGuid(), StartedAt = Start, ClosesAt = Start.AddHours(72), WindowHours = 72, ReminderHours = [24, 48], Status = CampaignStatus.Open };
        var recipients = new List<PingRecipient>
        {
            Recipient("FRA", "WesternEuropeanAndOthers", "technical", acknowledgedAfterHours: 0.5),
            Recipient("FRA", "WesternEuropeanAndOthers", "diplomatic", acknowledgedAfterHours: 30),
            Recipient("KEN", "African", "technical", undeliverable: true),
            Recipient("KEN", "African", "diplomatic"),
        };
        var results = PingResults.Compute(campaign, recipients, new Dictionary<string, string> { ["FRA"] = "France", ["KEN"] = "Kenya" }, null, Start.AddHours(40));

        Assert.Equal(new RateRow("all", "All", 4, 2, 1, 1, 0, 0.5), results.Overall);
        Assert.Equal([("African", "African States", 0.0), ("WesternEuropeanAndOthers", "Western European and other States", 1.0)], results.ByRegionalGroup.Select(r => (r.Key, r.Label, r.Rate)));
        Assert.Equal([("diplomatic", 2, 1), ("technical", 2, 1)], results.ByType.Select(r => (r.Key, r.Asked, r.Acknowledged)));
        Assert.Equal(["France", "Kenya"], results.ByState.Select(r => r.Label));
        Assert.Equal((30.0, 1800.0), (results.MedianMinutes!.Value, results.P90Minutes!.Value));
        Assert.Equal(["undeliverable", "waiting"], results.NonResponders.Select(n => n.Status).Order());
        // The start, each acknowledgement at its moment (0.5 h and 30 h), and now (40 h in).
        Assert.Equal([(0.0, 0), (0.5, 1), (30.0, 2), (40.0, 2)], results.Timeline.Select(p => (p.Hours, p.Acknowledged)));

        // Many acknowledgements: at most MaxTimelinePoints points, evenly spread, still from 0 to all of them now.
        var crowd = Enumerable.Range(0, 500).Select(i => Recipient("FRA", "WesternEuropeanAndOthers", "technical", acknowledgedAfterHours: i * 0.05)).ToList();
        var busy = PingResults.Compute(campaign, crowd, new Dictionary<string, string> { ["FRA"] = "France" }, null, Start.AddHours(40)).Timeline;
        Assert.Equal(PingResults.MaxTimelinePoints, busy.Count);
        Assert.Equal((0.0, 0), (busy[0].Hours, busy[0].Acknowledged));
        Assert.Equal((40.0, 500), (busy[^1].Hours, busy[^1].Acknowledged));
        Assert.True(busy.Zip(busy.Skip(1)).All(pair => pair.First.Hours < pair.Second.Hours && pair.First.Acknowledged <= pair.Second.Acknowledged));
    }

    [Fact]
    public async Task The_end_of_data_is_held_back_until_the_e_mail_is_recorded_and_nothing_else_is()
    {
        var wire = new MemoryStream();
        var gate = new EndOfDataGate(wire);
        var seenAtRecord = "";
        gate.BeforeEndOfData = () => seenAtRecord = Encoding.ASCII.GetString(wire.ToArray());
        var seenAfter = "";
        gate.AfterEndOfData = () => seenAfter = Encoding.ASCII.GetString(wire.ToArray());
        // A dot-stuffed line, then the end split over two writes.
        foreach (var chunk in new[] { "MAIL FROM:<a@example.org>\r\nDATA\r\n", "Subject: x\r\n\r\n..not the end\r\nlast line\r", "\n.", "\r\nQUIT\r\n" })
        {
            await gate.WriteAsync(Encoding.ASCII.GetBytes(chunk));
        }
        var all = Encoding.ASCII.GetString(wire.ToArray());
        Assert.EndsWith("last line\r\n.\r", seenAtRecord); // everything but the end's last byte
        Assert.EndsWith("last line\r\n.\r\n", seenAfter); // and just after it, before anything else
        Assert.Equal("MAIL FROM:<a@example.org>\r\nDATA\r\nSubject: x\r\n\r\n..not the end\r\nlast line\r\n.\r\nQUIT\r\n", all);
        Assert.Null(gate.BeforeEndOfData); // once per message
        Assert.Null(gate.AfterEndOfData);

        var calls = 0;
        gate.BeforeEndOfData = () => calls++;
        var bytes = Encoding.ASCII.GetBytes("RSET\r\n\r\r\n.\r\n");
        gate.Write(bytes, 0, bytes.Length);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Derived_ids_are_stable_distinct_and_marked_version_8()
    {
        var id = DerivedIds.From("ping", "campaign", "poc", "0");
        Assert.Equal(id, DerivedIds.From("ping", "campaign", "poc", "0"));
        Assert.NotEqual(id, DerivedIds.From("ping", "campaign", "poc", "1"));
        Assert.NotEqual(DerivedIds.From("ab", "c"), DerivedIds.From("a", "bc")); // parts are separated
        Assert.Equal(8, id.Version);
        Assert.Equal(0x8, id.ToString("N")[16] switch { '8' or '9' or 'a' or 'b' => 0x8, _ => 0 });
    }

    private static PingRecipient Recipient(string state, string group, string type, double? acknowledgedAfterHours = null, bool undeliverable = false) => new()
    {
        PocId = Guid.NewGuid(),
        State = state,
        RegionalGroup = group,
        Type = type,
        FullName = $"{state} {type}",
        Email = $"{state}.{type}@example.org",
        AcknowledgedAt = acknowledgedAfterHours is { } h ? Start.AddHours(h) : null,
        UndeliverableAt = undeliverable ? Start.AddMinutes(1) : null,
    };
}
