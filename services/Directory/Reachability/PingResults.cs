namespace PocDirectory.Directory.Reachability;

/// <summary>A campaign as listed: its settings and, for the reader, how many were asked and answered.</summary>
public sealed record PingCampaignSummary(
    Guid Id, string Scope, string Status, DateTimeOffset StartedAt, string StartedByName, DateTimeOffset ClosesAt, DateTimeOffset? ClosedAt,
    int WindowHours, IReadOnlyList<int> ReminderHours, int RemindersSent, int Asked, int Acknowledged, double Rate)
{
    public static PingCampaignSummary From(PingCampaign c, int asked, int acknowledged) => new(
        c.Id, c.Scope.Describe(), c.Status.ToString().ToLowerInvariant(), c.StartedAt, c.StartedByName, c.ClosesAt, c.ClosedAt,
        c.WindowHours, c.ReminderHours, c.RemindersSent, asked, acknowledged, PingResults.Rate(acknowledged, asked));
}

/// <summary>One line of a breakdown: asked, and what became of them. <see cref="Rate"/> is acknowledged ÷ asked.</summary>
public sealed record RateRow(string Key, string Label, int Asked, int Acknowledged, int Undeliverable, int Waiting, int Missed, double Rate);

/// <summary>How many had acknowledged <see cref="Hours"/> after the start.</summary>
public sealed record TimelinePoint(double Hours, int Acknowledged);

/// <summary>A recipient without an acknowledgement: <c>waiting</c> (window open), <c>missed</c> or <c>undeliverable</c>.</summary>
public sealed record NonResponder(Guid PocId, string FullName, string State, string StateName, string Type, string Status, string? Reason);

/// <summary>A campaign's results for one reader: everything for the directory manager, one State's part for its focal point.</summary>
public sealed record PingResults(
    PingCampaignSummary Campaign, string? State, RateRow Overall,
    IReadOnlyList<RateRow> ByRegionalGroup, IReadOnlyList<RateRow> ByType, IReadOnlyList<RateRow> ByState,
    double? MedianMinutes, double? P90Minutes, IReadOnlyList<NonResponder> NonResponders, IReadOnlyList<TimelinePoint> Timeline)
{
    /// <summary>At most this many points on the chart over time.</summary>
    public const int MaxTimelinePoints = 100;

    public static double Rate(int acknowledged, int asked) => asked == 0 ? 0 : Math.Round((double)acknowledged / asked, 4);

    /// <summary>The nearest-rank percentile (0 &lt; p ≤ 1) of sorted values, or null when there are none.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    public static PingResults Compute(
        PingCampaign campaign, IReadOnlyList<PingRecipient> recipients, IReadOnlyDictionary<string, string> stateNames,
        string? state, DateTimeOffset now)
    {
        var acknowledged = recipients.Count(r => r.AcknowledgedAt is not null);
        var minutes = recipients
            .Where(r => r.AcknowledgedAt is not null)
            .Select(r => Math.Round((r.AcknowledgedAt!.Value - campaign.StartedAt).TotalMinutes, 1))
            .Order()
            .ToList();
        string StateName(string code) => stateNames.GetValueOrDefault(code, code);
        var nonResponders = recipients
            .Where(r => r.AcknowledgedAt is null)
            .Select(r => new NonResponder(r.PocId, r.FullName, r.State, StateName(r.State), r.Type, StatusOf(r), r.UndeliverableReason))
            .OrderBy(n => n.StateName, StringComparer.InvariantCulture).ThenBy(n => n.Type, StringComparer.Ordinal).ThenBy(n => n.FullName, StringComparer.InvariantCulture)
            .ToList();
        return new PingResults(
            PingCampaignSummary.From(campaign, recipients.Count, acknowledged),
            state,
            Row("all", "All", recipients),
            Breakdown(recipients, r => r.RegionalGroup, g => Enum.TryParse<Model.RegionalGroup>(g, out var group) ? Model.RegionalGroups.DisplayName(group) : g),
            Breakdown(recipients, r => r.Type, t => t.Length == 0 ? t : char.ToUpperInvariant(t[0]) + t[1..]),
            Breakdown(recipients, r => r.State, StateName),
            Percentile(minutes, 0.5),
            Percentile(minutes, 0.9),
            nonResponders,
            TimelineOf(campaign, recipients, now));
    }

    private static string StatusOf(PingRecipient r) =>
        r.UndeliverableAt is not null ? ReachabilityStatus.Undeliverable : r.Missed ? "missed" : "waiting";

    private static List<RateRow> Breakdown(IReadOnlyList<PingRecipient> recipients, Func<PingRecipient, string> key, Func<string, string> label) =>
        recipients.GroupBy(key)
            .Select(g => Row(g.Key, label(g.Key), g.ToList()))
            .OrderBy(r => r.Label, StringComparer.InvariantCulture)
            .ToList();

    private static RateRow Row(string key, string label, IReadOnlyList<PingRecipient> rows)
    {
        var acknowledged = rows.Count(r => r.AcknowledgedAt is not null);
        var undeliverable = rows.Count(r => r.AcknowledgedAt is null && r.UndeliverableAt is not null);
        var missed = rows.Count(r => r.AcknowledgedAt is null && r.UndeliverableAt is null && r.Missed);
        return new RateRow(key, label, rows.Count, acknowledged, undeliverable, rows.Count - acknowledged - undeliverable - missed, missed, Rate(acknowledged, rows.Count));
    }

    /// <summary>Acknowledgements so far at even steps from the start to now (or the close), at most <see cref="MaxTimelinePoints"/>.</summary>
    private static List<TimelinePoint> TimelineOf(PingCampaign campaign, IReadOnlyList<PingRecipient> recipients, DateTimeOffset now)
    {
        var end = campaign.ClosedAt ?? (now < campaign.ClosesAt ? now : campaign.ClosesAt);
        var span = Math.Max(0, (end - campaign.StartedAt).TotalHours);
        var times = recipients.Where(r => r.AcknowledgedAt is not null).Select(r => (r.AcknowledgedAt!.Value - campaign.StartedAt).TotalHours).Order().ToArray();
        var steps = Math.Clamp((int)Math.Ceiling(span), 1, MaxTimelinePoints);
        var points = new List<TimelinePoint>(steps + 1);
        var counted = 0;
        for (var i = 0; i <= steps; i++)
        {
            var at = span * i / steps;
            while (counted < times.Length && times[counted] <= at + 1e-9)
            {
                counted++;
            }
            points.Add(new TimelinePoint(Math.Round(at, 2), i == steps ? times.Length : counted));
        }
        return points;
    }
}
