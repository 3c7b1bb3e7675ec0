namespace PocDirectory.Web.Services;

public sealed record ServiceHealth(string Job, bool? Up, string? Version, double? RequestsPerMinute, double? ErrorShare);

public sealed record ServerHealth(string Name, string What, bool? Up);

public sealed record QueueDepth(string Queue, double Messages)
{
    /// <summary>MassTransit's twin of a queue, where the messages a consumer gave up on wait.</summary>
    public bool IsErrorQueue => Queue.EndsWith("_error", StringComparison.Ordinal);
}

public sealed record MessageFlow(string Job, double Published, double Consumed, double Faulted);

public sealed record OutboxBacklog(string Job, double Messages, double OldestSeconds);

public sealed record EmailFlow(double Sent, double Failed, double Retried);

/// <summary>An alert's time firing: from its first evaluation firing to its last (<see cref="Ongoing"/> if still).</summary>
public sealed record AlertSpan(string Name, string Job, string Instance, DateTimeOffset From, DateTimeOffset To, bool Ongoing);

/// <summary>
/// A service objective over <see cref="Window"/>: the share of good requests achieved, against <see cref="Target"/>, and what
/// is left of the error budget (the share of bad requests the objective allows): 1 untouched, 0 spent, below 0 overspent.
/// </summary>
public sealed record ErrorBudget(string Objective, string Window, double Target, double Requests, double? Achieved, double? Remaining)
{
    public static ErrorBudget From(string objective, string window, double target, double total, double bad)
    {
        if (target is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "An objective is a share strictly between 0 and 1.");
        }
        if (!(total > 0))
        {
            return new ErrorBudget(objective, window, target, 0, null, null); // no traffic: nothing achieved, nothing spent
        }
        var badShare = Math.Clamp(bad / total, 0, 1);
        return new ErrorBudget(objective, window, target, total, 1 - badShare, 1 - badShare / (1 - target));
    }
}

public sealed record SignInOutcome(string Outcome, double Count);

/// <summary>The last ping test's delivery: when it started, whether its window is open, and its points of contact by outcome.</summary>
public sealed record LastCampaign(DateTimeOffset StartedAt, bool Open, double Asked, double Acknowledged, double Undeliverable, double Waiting, double Missed);

/// <summary>A service's token checks since it started (every request that carried one) and the 95th percentile of their time.</summary>
public sealed record TokenChecks(string Job, double Count, double? P95Seconds);

/// <summary>A cache's reads in the last hour and the share answered without going further.</summary>
public sealed record CacheUse(string Cache, double Reads, double? HitShare);

/// <summary>The work waiting: nominations and update requests by status, as their counts were last taken.</summary>
public sealed record WorkCount(string What, string Status, double Count);

public sealed record OperationsView(
    DateTimeOffset At, IReadOnlyList<ServiceHealth> Services, IReadOnlyList<ServerHealth> Servers, IReadOnlyList<PromAlert> Alerts,
    IReadOnlyList<AlertSpan> AlertHistory, IReadOnlyList<QueueDepth> Queues, IReadOnlyList<MessageFlow> Flow, IReadOnlyList<OutboxBacklog> Outboxes,
    EmailFlow Email, IReadOnlyList<ErrorBudget> Budgets, IReadOnlyList<PromSeries> RequestRates, IReadOnlyList<PromSeries> Backlogs,
    IReadOnlyList<SignInOutcome> SignIns, double DuplicatesDropped,
    LastCampaign? Campaign, IReadOnlyList<TokenChecks> Tokens, IReadOnlyList<CacheUse> Caches, IReadOnlyList<WorkCount> Work,
    double? EmailAgeP50, double? EmailAgeP95);

/// <summary>
/// What the operations team sees at a glance, read from Prometheus: counts, rates and states, never a person (no
/// metric carries an address, a name or a token).
/// </summary>
public sealed class OperationsReport(PrometheusClient prometheus, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> ServiceJobs =
        [ResourceNames.Gateway, ResourceNames.Web, ResourceNames.Identity, ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings];

    /// <summary>Requests of people and programs: not the probes' and scrapers'.</summary>
    private const string Traffic = "http_route!~\"/metrics|/health|/alive\"";

    /// <summary>Each service's requests a second over five minutes, probes and scrapes left out.</summary>
    private const string RequestRate = $"sum by (job) (rate(http_server_request_duration_seconds_count{{{Traffic}}}[5m]))";

    public const string SearchRoute = "/api/directory/pocs";

    public const string AcknowledgementRoute = "/api/directory/ping/acknowledgements";

    /// <summary>How far back the charts go, and the step between their points.</summary>
    public static readonly TimeSpan ChartSpan = TimeSpan.FromHours(3);

    public static readonly TimeSpan ChartStep = TimeSpan.FromMinutes(2);

    /// <summary>How far back the alerts' history goes, and how finely it is read.</summary>
    public static readonly TimeSpan HistorySpan = TimeSpan.FromHours(24);

    public static readonly TimeSpan HistoryStep = TimeSpan.FromMinutes(1);

    public bool Configured => prometheus.Configured;

    public async Task<OperationsView> ReadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var jobs = string.Join('|', ServiceJobs);
        var up = Q($"min by (job) (up{{job=~\"{jobs}\"}})"); // a job of several replicas is up when all are
        var versions = Q("target_info");
        var rates = Q($"{RequestRate} * 60");
        // A job that never answered a server error has no such series: its share is 0, not missing.
        var errors = Q($"(sum by (job) (rate(http_server_request_duration_seconds_count{{{Traffic}, http_response_status_code=~\"5..\"}}[5m])) "
            + $"or {RequestRate} * 0) / {RequestRate}");
        var serversUp = Q("pg_up or redis_up or up{job=\"messaging\"}");
        var alerts = prometheus.AlertsAsync(ct);
        var history = prometheus.RangeAsync("ALERTS{alertstate=\"firing\"}", now - HistorySpan, now, HistoryStep, ct);
        var queues = Q("max by (vhost, queue) (rabbitmq_detailed_queue_messages)"); // once per queue, whichever node reports it
        // MassTransit's own counters (their unit "ea" is part of the names Prometheus gets); a publish is counted as a send.
        var published = Q("sum by (job) (increase(messaging_masstransit_send_ea_total[1h]))");
        var consumed = Q("sum by (job) (increase(messaging_masstransit_consume_ea_total[1h]))");
        var faulted = Q("sum by (job) (increase(messaging_masstransit_consume_errors_ea_total[1h]))");
        var backlog = Q("max by (job) (outbox_backlog)");
        var oldest = Q("max by (job) (outbox_oldest_age_seconds)");
        var email = Q("label_replace(sum(increase(email_sent_total[1h])), \"kind\", \"sent\", \"\", \"\") "
            + "or label_replace(sum(increase(email_failed_total[1h])), \"kind\", \"failed\", \"\", \"\") "
            + "or label_replace(sum(increase(email_retried_total[1h])), \"kind\", \"retried\", \"\", \"\")");
        var signIns = Q("sum by (outcome) (increase(signin_attempts_total[1h]))");
        var duplicates = Q("sum(increase(inbox_duplicates_total[1h]))");
        // Every replica counts the same rows: their counts are read with max.
        var campaign = Q("max by (outcome) (ping_campaign_last_recipients) or label_replace(max(ping_campaign_last_open), \"outcome\", \"open\", \"\", \"\") "
            + "or label_replace(max(ping_campaign_last_started_seconds), \"outcome\", \"started\", \"\", \"\")");
        // The services that check a token for their own data; the gateway's check before them is counted by YARP's requests.
        var apis = string.Join('|', ServiceJobs.Where(j => j != ResourceNames.Web && j != ResourceNames.Gateway));
        // ASP.NET Core's own histogram, whose series start at a service's first check: read since each service started, as an
        // increase over an hour would miss the checks made before its first scrape.
        var tokenCounts = Q($"sum by (job) (aspnetcore_authentication_authenticate_duration_seconds_count{{job=~\"{apis}\"}})");
        var tokenP95 = Q($"histogram_quantile(0.95, sum by (job, le) (aspnetcore_authentication_authenticate_duration_seconds_bucket{{job=~\"{apis}\"}}))");
        var caches = Q("sum by (cache, result) (increase(cache_requests_total[1h]))");
        var work = Q("label_replace(max by (status) (nominations), \"what\", \"nominations\", \"\", \"\") "
            + "or label_replace(max by (status) (update_requests), \"what\", \"update requests\", \"\", \"\")");
        var emailAge = Q("label_replace(histogram_quantile(0.5, sum by (le) (rate(email_age_seconds_bucket[1h]))), \"q\", \"p50\", \"\", \"\") "
            + "or label_replace(histogram_quantile(0.95, sum by (le) (rate(email_age_seconds_bucket[1h]))), \"q\", \"p95\", \"\", \"\")");
        var budgets = BudgetsAsync(ct);
        var requestRates = prometheus.RangeAsync($"{RequestRate} * 60",
            now - ChartSpan, now, ChartStep, ct);
        var backlogs = prometheus.RangeAsync("label_replace(sum(max by (vhost, queue) (rabbitmq_detailed_queue_messages)), \"job\", \"queued messages\", \"\", \"\") "
            + "or label_replace(sum(outbox_backlog), \"job\", \"outbox rows\", \"\", \"\")", now - ChartSpan, now, ChartStep, ct);

        var upByJob = (await up).ToDictionary(s => s.Label("job"), s => s.Value == 1);
        var versionByJob = (await versions).GroupBy(s => s.Label("job")).ToDictionary(g => g.Key, g => g.Select(s => s.Label("service_version")).FirstOrDefault(v => v.Length > 0));
        var rateByJob = ByJob(await rates);
        var errorByJob = ByJob(await errors);
        var services = ServiceJobs.Select(job => new ServiceHealth(job, upByJob.TryGetValue(job, out var u) ? u : null, versionByJob.GetValueOrDefault(job),
            rateByJob.TryGetValue(job, out var r) ? r : null, errorByJob.TryGetValue(job, out var e) && !double.IsNaN(e) ? e : null)).ToList();

        var serverSamples = await serversUp;
        bool? ServerUp(string job, string metric) => OperationsReport.ServerUp(serverSamples, job, metric);
        var servers = new List<ServerHealth>
        {
            new(ResourceNames.Postgres, "PostgreSQL: the services' databases", ServerUp(ResourceNames.Postgres, "pg_up")),
            new(ResourceNames.Messaging, "RabbitMQ: the messages between services", ServerUp(ResourceNames.Messaging, "up")),
            new(ResourceNames.Cache, "Redis: caches, sessions, the revocation list", ServerUp(ResourceNames.Cache, "redis_up")),
        };

        var publishedByJob = ByJob(await published);
        var consumedByJob = ByJob(await consumed);
        var faultedByJob = ByJob(await faulted);
        var flow = ServiceJobs.Where(j => publishedByJob.ContainsKey(j) || consumedByJob.ContainsKey(j))
            .Select(j => new MessageFlow(j, publishedByJob.GetValueOrDefault(j), consumedByJob.GetValueOrDefault(j), faultedByJob.GetValueOrDefault(j))).ToList();

        var oldestByJob = ByJob(await oldest);
        var outboxes = (await backlog).OrderBy(s => s.Label("job"), StringComparer.Ordinal)
            .Select(s => new OutboxBacklog(s.Label("job"), s.Value, oldestByJob.GetValueOrDefault(s.Label("job")))).ToList();
        var emailByKind = (await email).ToDictionary(s => s.Label("kind"), s => s.Value);
        var campaignBy = (await campaign).ToDictionary(s => s.Label("outcome"), s => s.Value);
        var lastCampaign = campaignBy.GetValueOrDefault("started") is > 0 and var started
            ? new LastCampaign(DateTimeOffset.FromUnixTimeSeconds((long)started), campaignBy.GetValueOrDefault("open") == 1, campaignBy.GetValueOrDefault("asked"),
                campaignBy.GetValueOrDefault("acknowledged"), campaignBy.GetValueOrDefault("undeliverable"), campaignBy.GetValueOrDefault("waiting"), campaignBy.GetValueOrDefault("missed"))
            : null;
        var p95ByJob = ByJob(await tokenP95);
        var tokens = (await tokenCounts).OrderBy(s => s.Label("job"), StringComparer.Ordinal)
            .Select(s => new TokenChecks(s.Label("job"), s.Value, p95ByJob.TryGetValue(s.Label("job"), out var p) && !double.IsNaN(p) ? p : null)).ToList();
        var cacheUse = (await caches).GroupBy(s => s.Label("cache")).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var hits = g.Where(s => s.Label("result") == "hit").Sum(s => s.Value);
            var reads = g.Sum(s => s.Value);
            return new CacheUse(g.Key, reads, reads > 0 ? hits / reads : null);
        }).ToList();
        var workCounts = (await work).Select(s => new WorkCount(s.Label("what"), s.Label("status"), s.Value))
            .OrderBy(w => w.What, StringComparer.Ordinal).ThenBy(w => w.Status, StringComparer.Ordinal).ToList();
        var ages = (await emailAge).Where(s => !double.IsNaN(s.Value)).ToDictionary(s => s.Label("q"), s => s.Value);

        return new OperationsView(now, services, servers,
            [.. (await alerts).OrderBy(a => a.State == "firing" ? 0 : 1).ThenBy(a => a.ActiveAt)],
            Spans(await history, HistoryStep, now),
            [.. (await queues).Select(s => new QueueDepth(s.Label("queue"), s.Value)).OrderByDescending(q => q.IsErrorQueue && q.Messages > 0).ThenBy(q => q.Queue, StringComparer.Ordinal)],
            flow, outboxes,
            new EmailFlow(emailByKind.GetValueOrDefault("sent"), emailByKind.GetValueOrDefault("failed"), emailByKind.GetValueOrDefault("retried")),
            await budgets, await requestRates, await backlogs,
            [.. (await signIns).Where(s => s.Value > 0).Select(s => new SignInOutcome(s.Label("outcome"), s.Value)).OrderBy(s => s.Outcome, StringComparer.Ordinal)],
            Scalar(await duplicates), lastCampaign, tokens, cacheUse, workCounts,
            ages.TryGetValue("p50", out var p50) ? p50 : null, ages.TryGetValue("p95", out var p95) ? p95 : null);

        Task<IReadOnlyList<PromSample>> Q(string query) => prometheus.QueryAsync(query, ct);
    }

    /// <summary>
    /// The objectives of the two paths a crisis depends on, over the last 30 days (or as far as Prometheus keeps): a
    /// directory search and an acknowledgement answered without a server error 99.9 % of the time, and in under half
    /// a second 99 % of the time.
    /// </summary>
    private async Task<IReadOnlyList<ErrorBudget>> BudgetsAsync(CancellationToken ct)
    {
        var budgets = new List<ErrorBudget>();
        foreach (var (what, job, route) in new[] { ("Directory search", ResourceNames.Directory, SearchRoute), ("Acknowledgement", ResourceNames.Directory, AcknowledgementRoute) })
        {
            var selector = $"job=\"{job}\", http_route=\"{route}\"";
            var total = Scalar(await prometheus.QueryAsync($"sum(increase(http_server_request_duration_seconds_count{{{selector}}}[30d]))", ct));
            var failed = Scalar(await prometheus.QueryAsync($"sum(increase(http_server_request_duration_seconds_count{{{selector}, http_response_status_code=~\"5..\"}}[30d]))", ct));
            var fast = Scalar(await prometheus.QueryAsync($"sum(increase(http_server_request_duration_seconds_bucket{{{selector}, le=\"0.5\"}}[30d]))", ct));
            budgets.Add(ErrorBudget.From($"{what}: answered without a server error", "30 days", 0.999, total, failed));
            budgets.Add(ErrorBudget.From($"{what}: answered in under 0.5 s", "30 days", 0.99, total, total - fast));
        }
        return budgets;
    }

    private static Dictionary<string, double> ByJob(IReadOnlyList<PromSample> samples) => samples.ToDictionary(s => s.Label("job"), s => s.Value);

    private static double Scalar(IReadOnlyList<PromSample> samples) => samples.Count == 0 ? 0 : samples[0].Value;

    /// <summary>
    /// A server's state from its <paramref name="metric"/> samples under <paramref name="job"/>: up when every sample says
    /// 1 (a cluster, the broker's nodes, is up when every node is), unknown when none was scraped.
    /// </summary>
    public static bool? ServerUp(IEnumerable<PromSample> samples, string job, string metric) =>
        samples.Where(s => s.Label("job") == job && s.Label("__name__") == metric).ToList() is { Count: > 0 } found ? found.All(s => s.Value == 1) : null;

    /// <summary>
    /// Each alert's times firing, from the <c>ALERTS</c> series read every <paramref name="step"/>: a gap of more than two
    /// steps ends a span; a span whose last point is within two steps of <paramref name="now"/> is ongoing. Newest first.
    /// </summary>
    public static IReadOnlyList<AlertSpan> Spans(IReadOnlyList<PromSeries> series, TimeSpan step, DateTimeOffset now)
    {
        var spans = new List<AlertSpan>();
        foreach (var s in series)
        {
            var points = s.Points.Where(p => p.Value > 0).Select(p => p.At).Order().ToList();
            for (var i = 0; i < points.Count;)
            {
                var j = i;
                while (j + 1 < points.Count && points[j + 1] - points[j] <= step * 2)
                {
                    j++;
                }
                spans.Add(new AlertSpan(s.Label("alertname"), s.Label("job"), s.Label("instance"), points[i], points[j], now - points[j] <= step * 2));
                i = j + 1;
            }
        }
        return [.. spans.OrderByDescending(s => s.To).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }
}
