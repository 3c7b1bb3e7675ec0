using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using PocDirectory.AppHost;
using Xunit.Abstractions;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The operations team's monitoring as the AppHost runs it: Prometheus scrapes every service and server (through
/// Debian's exporters and RabbitMQ's plugin) and evaluates the repository's alert rules; Alertmanager e-mails the
/// operations address what fires, and then its resolution.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AlertingTests(SystemFixture fixture, ITestOutputHelper output)
{
    private const string Operations = "operations@example.org";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private Uri Prometheus => fixture.System.Url(ResourceNames.Prometheus);

    private async Task<JsonElement> QueryAsync(string query)
    {
        var answer = await Http.GetFromJsonAsync<JsonElement>(new Uri(Prometheus, $"/api/v1/query?query={Uri.EscapeDataString(query)}"));
        Assert.Equal("success", answer.GetProperty("status").GetString());
        return answer.GetProperty("data").GetProperty("result");
    }

    [Fact]
    public async Task Prometheus_scrapes_every_service_and_server_and_both_appear_among_the_resources()
    {
        var resources = fixture.System.Resources();
        Assert.Equal("Running", resources.Single(r => r.Name == ResourceNames.Prometheus).State);
        var alertmanager = resources.Single(r => r.Name == ResourceNames.Alertmanager);
        Assert.Equal("Running", alertmanager.State);
        Assert.StartsWith("http://127.0.0.1:", alertmanager.Url);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Http.GetAsync(new Uri(new Uri(alertmanager.Url!), "/-/ready"))).StatusCode);

        var expected = new[]
        {
            ResourceNames.Identity, ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings,
            ResourceNames.Gateway, ResourceNames.Web, ResourceNames.Postgres, ResourceNames.Cache, ResourceNames.Messaging, "messaging-queues",
        };
        var deadline = DateTime.UtcNow.AddMinutes(1);
        Dictionary<string, string> health;
        while (true)
        {
            var targets = await Http.GetFromJsonAsync<JsonElement>(new Uri(Prometheus, "/api/v1/targets"));
            health = targets.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .ToDictionary(t => t.GetProperty("labels").GetProperty("job").GetString()!, t => t.GetProperty("health").GetString()!);
            if (expected.All(job => health.GetValueOrDefault(job) == "up") || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(500);
        }
        Assert.Equal(expected.Order(StringComparer.Ordinal), health.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, job => Assert.Equal((job, "up"), (job, health[job])));

        // Each exporter reads its server (not only itself), and the broker's plugin names every queue.
        Assert.Equal("1", (await QueryAsync("pg_up")).EnumerateArray().Single().GetProperty("value")[1].GetString());
        Assert.Equal("1", (await QueryAsync("redis_up")).EnumerateArray().Single().GetProperty("value")[1].GetString());
        var queues = (await QueryAsync("rabbitmq_detailed_queue_messages")).EnumerateArray()
            .Select(q => q.GetProperty("metric").GetProperty("queue").GetString()).ToList();
        Assert.Contains(queues, q => q!.StartsWith("notifications-", StringComparison.Ordinal));
        // The security alerts' gauges: the audit chain verified at Identity's start, its signing key's age, and every
        // service's revocation list read moments ago.
        Assert.Equal("1", (await QueryAsync("audit_chain_intact")).EnumerateArray().Single().GetProperty("value")[1].GetString());
        Assert.Single((await QueryAsync("signing_key_age_seconds")).EnumerateArray());
        var revocation = (await QueryAsync("revocation_list_age_seconds < 60")).EnumerateArray()
            .Select(s => s.GetProperty("metric").GetProperty("job").GetString()).ToList();
        Assert.Contains(ResourceNames.Gateway, revocation);
        Assert.Contains(ResourceNames.Directory, revocation);
        // Sign-ins by step and outcome, no one named: this test's own person gives a password, then a code, and each
        // step's count rises (every series starts at 0, so the page's increase() sees a first attempt too).
        async Task<double> CountAsync(string step, string outcome) => (await QueryAsync($"signin_attempts_total{{step=\"{step}\", outcome=\"{outcome}\"}}"))
            .EnumerateArray().Sum(s => double.Parse(s.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var passwordsBefore = await CountAsync("password", "second-factor");
        var codesBefore = await CountAsync("authenticator", "signed-in");
        // Every series is there from the start, at 0 (a passkey is never held back).
        Assert.Equal("0", Assert.Single((await QueryAsync("signin_attempts_total{step=\"passkey\", outcome=\"held-back\"}")).EnumerateArray()).GetProperty("value")[1].GetString());
        await (await TestPerson.CreateAsync(fixture.System, "metrics-signin", Roles.Operations)).SignInForTokensAsync(fixture.System);
        await Eventually.Until(async () => (await CountAsync("password", "second-factor"), await CountAsync("authenticator", "signed-in")),
            c => c.Item1 > passwordsBefore && c.Item2 > codesBefore, TimeSpan.FromMinutes(1), "the sign-in's two steps counted");
        var signIns = await QueryAsync("signin_attempts_total");
        string[] allowed = ["__name__", "instance", "job", "otel_scope_name", "otel_scope_version", "outcome", "step"];
        Assert.All(signIns.EnumerateArray().SelectMany(s => s.GetProperty("metric").EnumerateObject()), label => Assert.Contains(label.Name, allowed));
        // Every alert rule of the repository is loaded and evaluates without error.
        var rules = await Http.GetFromJsonAsync<JsonElement>(new Uri(Prometheus, "/api/v1/rules"));
        var loaded = rules.GetProperty("data").GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
        Assert.Contains(loaded, r => r.GetProperty("name").GetString() == "ServiceDown");
        Assert.All(loaded, r => Assert.Equal("ok", r.GetProperty("health").GetString()));
    }

    [Fact]
    public async Task A_service_that_stops_answering_is_mailed_to_operations_and_so_is_its_return()
    {
        const string service = ResourceNames.Meetings;
        var firing = $"Subject: [FIRING:1] ServiceDown {service} ";
        var resolved = $"Subject: [RESOLVED] ServiceDown {service} ";
        var firedBefore = Count(firing);
        var pid = fixture.System.Resource(service).Pid!.Value;

        // Stopped, not killed: the AppHost starts a killed service again within seconds, well inside the alert's
        // minute; a process that hangs is what it cannot see, and what only the alert tells.
        var stoppedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        Assert.True(Posix.Signal(pid, Posix.SigStop));
        TimeSpan alerted;
        int resolvedBefore;
        try
        {
            await WaitForAsync(() => Count(firing) > firedBefore, TimeSpan.FromMinutes(4), "the ServiceDown e-mail");
            alerted = clock.Elapsed;
            // Counted now, not before: a resolution of an earlier episode (a slow start) must not pass for this one's.
            resolvedBefore = Count(resolved);
        }
        finally
        {
            Posix.Signal(pid, Posix.SigCont); // whatever happened: the shared system goes on
        }
        clock.Restart();
        await WaitForAsync(() => Count(resolved) > resolvedBefore, TimeSpan.FromMinutes(3), "the resolution e-mail");
        output.WriteLine($"stopped → alert e-mail: {alerted.TotalSeconds:0} s; answering again → resolution e-mail: {clock.Elapsed.TotalSeconds:0} s");

        // This episode's e-mail says what is down and where the runbook is; the service serves again.
        var message = (await Mailbox.MessagesToAsync(fixture.System, Operations))
            .Where(m => m.Subject?.StartsWith("[FIRING:1] ServiceDown " + service, StringComparison.Ordinal) == true && m.Date >= stoppedAt.AddSeconds(-1))
            .OrderBy(m => m.Date).First();
        var body = message.HtmlBody ?? message.TextBody ?? "";
        Assert.Contains("docs/runbook.md#servicedown", body);
        Assert.Contains($"{service} (127.0.0.1:", body);
        await WaitForAsync(async () =>
        {
            try
            {
                using var health = await Http.GetAsync(new Uri(fixture.System.Url(service), "/health"));
                return health.StatusCode == System.Net.HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(1), $"{service} healthy again");
    }

    private int Count(string subject) =>
        Mailbox.Texts(fixture.System).Count(t => t.Contains($"X-RcptTo: {Operations}", StringComparison.OrdinalIgnoreCase) && t.Contains(subject, StringComparison.Ordinal));

    private static Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitForAsync(() => Task.FromResult(condition()), timeout, what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {what} within {timeout.TotalMinutes} minutes.");
            }
            await Task.Delay(500);
        }
    }
}
