namespace PocDirectory.Directory.Reachability;

/// <summary>A campaign as listed: its settings and, for the reader, how many were asked and answered.</summary>
public sealed record PingCampaignSummary(
    Guid Id, string Scope, string Status, DateTimeOffset StartedAt, string StartedByName, DateTimeOffset ClosesAt, DateTimeOffset? ClosedAt,
    int WindowHours, IReadOnlyList<int> ReminderHours, int RemindersSent, int Asked, int Acknowledged, double Rate)
{
    /// <param name="stateName">A State's name for its code, to say who was asked in words.</param>
    public static PingCampaignSummary From(PingCampaign c, int asked, int acknowledged, Func<string, string>? stateName = null) => new(
        c.Id, c.Scope.Describe(stateName), c.Status.ToString().ToLowerInvariant(), c.StartedAt, c.StartedByName, c.ClosesAt, c.ClosedAt,
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
            PingCampaignSummary.From(campaign, recipients.Count, acknowledged, StateName),
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

    /// <summary>
    /// Acknowledgements so far, from the start to now (or the close): a point at each acknowledgement's moment (the chart
    /// draws steps there, however early they came), or, beyond <see cref="MaxTimelinePoints"/>, at even steps.
    /// </summary>
    private static List<TimelinePoint> TimelineOf(PingCampaign campaign, IReadOnlyList<PingRecipient> recipients, DateTimeOffset now)
    {
        var end = campaign.ClosedAt ?? (now < campaign.ClosesAt ? now : campaign.ClosesAt);
        var span = Math.Max(0, (end - campaign.StartedAt).TotalHours);
        var times = recipients.Where(r => r.AcknowledgedAt is not null).Select(r => (r.AcknowledgedAt!.Value - campaign.StartedAt).TotalHours).Order().ToArray();
        var points = new List<TimelinePoint> { new(0, 0) };
        if (times.Length <= MaxTimelinePoints - 2)
        {
            points.AddRange(times.Select((hours, i) => new TimelinePoint(Math.Round(Math.Clamp(hours, 0, span), 4), i + 1)));
        }
        else
        {
            var steps = MaxTimelinePoints - 2;
            var counted = 0;
            for (var i = 1; i <= steps; i++)
            {
                var at = span * i / (steps + 1);
                while (counted < times.Length && times[counted] <= at + 1e-9)
                {
                    counted++;
                }
                points.Add(new TimelinePoint(Math.Round(at, 4), counted));
            }
        }
        points.Add(new TimelinePoint(Math.Round(span, 4), times.Length));
        return points;
    }
}
