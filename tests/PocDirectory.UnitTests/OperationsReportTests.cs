using PocDirectory.Web.Services;

namespace PocDirectory.UnitTests;

/// <summary>The Operations page's arithmetic: error budgets and the spans an alert fired.</summary>
public sealed class OperationsReportTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(100_000, 0, 1.0, 1.0)]      // nothing bad: the whole budget left
    [InlineData(100_000, 50, 0.9995, 0.5)]  // half of the 0.1 % allowed
    [InlineData(100_000, 100, 0.999, 0.0)]  // exactly the allowance: spent
    [InlineData(100_000, 300, 0.997, -2.0)] // three times the allowance: overspent by twice the budget
    public void The_budget_left_is_the_share_of_allowed_bad_requests_not_yet_used(double total, double bad, double achieved, double remaining)
    {
        var budget = ErrorBudget.From("search", "30 days", 0.999, total, bad);

        Assert.Equal(achieved, budget.Achieved!.Value, 6);
        Assert.Equal(remaining, budget.Remaining!.Value, 6);
        Assert.Equal(total, budget.Requests);
    }

    [Fact]
    public void No_traffic_achieves_and_spends_nothing()
    {
        var budget = ErrorBudget.From("search", "30 days", 0.99, 0, 0);

        Assert.Null(budget.Achieved);
        Assert.Null(budget.Remaining);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void An_objective_outside_zero_and_one_is_refused(double target) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBudget.From("search", "30 days", target, 10, 1));

    [Fact]
    public void More_bad_requests_than_requests_counted_stay_at_none_achieved()
    {
        // Counters read at slightly different instants can disagree; the share is held between 0 and 1.
        var budget = ErrorBudget.From("search", "30 days", 0.99, 10, 12);

        Assert.Equal(0, budget.Achieved!.Value, 6);
        Assert.Equal(-99, budget.Remaining!.Value, 6);
    }

    private static PromSample Up(string job, string metric, double value, string node) =>
        new(new Dictionary<string, string> { ["__name__"] = metric, ["job"] = job, ["node"] = node }, value);

    [Fact]
    public void A_cluster_is_up_only_when_every_node_is_and_unknown_when_none_was_scraped()
    {
        PromSample[] threeNodes = [Up("messaging", "up", 1, "messaging"), Up("messaging", "up", 1, "messaging-2"), Up("messaging", "up", 1, "messaging-3")];
        Assert.True(OperationsReport.ServerUp(threeNodes, "messaging", "up"));

        PromSample[] oneDown = [threeNodes[0], Up("messaging", "up", 0, "messaging-2"), threeNodes[2]];
        Assert.False(OperationsReport.ServerUp(oneDown, "messaging", "up"));

        Assert.False(OperationsReport.ServerUp([Up("postgres", "pg_up", 0, "postgres"), .. threeNodes], "postgres", "pg_up"));
        Assert.Null(OperationsReport.ServerUp(threeNodes, "cache", "redis_up"));
    }

    private static PromSeries Alert(string name, params int[] minutesAgo) => new(
        new Dictionary<string, string> { ["alertname"] = name, ["job"] = "meetings", ["instance"] = "127.0.0.1:18414" },
        [.. minutesAgo.Order().Reverse().Select(m => (Now.AddMinutes(-m), 1.0))]);

    [Fact]
    public void A_gap_of_more_than_two_steps_ends_a_span_and_a_recent_last_point_is_ongoing()
    {
        var step = TimeSpan.FromMinutes(1);
        var spans = OperationsReport.Spans(
            [Alert("ServiceDown", 120, 119, 118, 116, 60, 59), Alert("ErrorQueueNotEmpty", 2, 1, 0)], step, Now);

        Assert.Equal(3, spans.Count);
        // Newest first: the one still firing, then the later of ServiceDown's two spans.
        Assert.Equal(("ErrorQueueNotEmpty", Now.AddMinutes(-2), Now, true), (spans[0].Name, spans[0].From, spans[0].To, spans[0].Ongoing));
        Assert.Equal(("ServiceDown", Now.AddMinutes(-60), Now.AddMinutes(-59), false), (spans[1].Name, spans[1].From, spans[1].To, spans[1].Ongoing));
        // 118 → 116 is a gap of two steps: one span.
        Assert.Equal(("ServiceDown", Now.AddMinutes(-120), Now.AddMinutes(-116), false), (spans[2].Name, spans[2].From, spans[2].To, spans[2].Ongoing));
        Assert.Equal("meetings", spans[2].Job);
    }

    [Fact]
    public void A_series_with_no_firing_point_has_no_span()
    {
        var quiet = new PromSeries(new Dictionary<string, string> { ["alertname"] = "ServiceDown" }, [(Now, 0.0)]);

        Assert.Empty(OperationsReport.Spans([quiet], TimeSpan.FromMinutes(1), Now));
    }
}
