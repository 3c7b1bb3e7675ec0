using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace PocDirectory.EndToEndTests.Benchmarks;

/// <summary>
/// The public calendar feed of a year with 200 meetings, measured, not tested: run by
/// <c>benchmarks/meetings-feed.sh</c> (left out of <c>./test.sh</c> by its category) on a system of its own.
/// wrk loads, one after the other on the same cores, the bare-hop ceiling (a bare YARP proxy in front of a
/// bare Kestrel endpoint returning the feed's bytes as a constant), the feed through the gateway, and the
/// feed straight from the Meetings service. Only what must hold whatever the speed is asserted (200 events
/// read by two independent calendar readers, no failed request); the figures go to <c>TestResults/benchmarks/</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class FeedBenchmarks(ITestOutputHelper output)
{
    private const int Meetings = 200;

    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("POCDIR_BENCH_SECONDS"), out var n) && n > 0 ? n : 15;

    private static int Connections => int.TryParse(Environment.GetEnvironmentVariable("POCDIR_BENCH_CONNECTIONS"), out var n) && n > 0 ? n : 32;

    [Fact]
    public async Task The_public_feed_of_a_year_of_200_meetings_through_the_gateway_against_the_bare_hop()
    {
        await using var system = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4), BenchmarkReport.Unlimited());
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "bench-feed-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        // A year no seed letter's schedule touches: the feed holds these meetings alone.
        var year = DateTime.UtcNow.Year + 3;
        var kinds = new[] { "informal-intersessional", "townhall", "briefing", "consultations-member-states", "poc-meeting" };
        for (var i = 0; i < Meetings; i++)
        {
            var day = new DateOnly(year, 1, 5).AddDays(i * 360 / Meetings);
            await MeetingsFlow.ScheduleAsync(system, chairToken, new
            {
                kind = kinds[i % kinds.Length], title = $"Meeting {i + 1} of {year}", format = "virtual", audience = new[] { "member-states", "public" },
                status = i % 7 == 0 ? "tentative" : "confirmed",
                time = new { precision = "exact", date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), startTime = "10:00", endTime = "13:00" },
            });
        }
        var path = $"/api/meetings/schedule.ics?year={year}";
        var gateway = system.Url(ResourceNames.Gateway).ToString().TrimEnd('/') + path;
        var direct = system.Url(ResourceNames.Meetings).ToString().TrimEnd('/') + path;
        using var anonymous = new HttpClient();
        var feed = await anonymous.GetStringAsync(gateway);
        foreach (var reader in await CalendarReaders.ReadAsync(feed))
        {
            Assert.Equal(Meetings, reader.Events.Count);
        }
        var body = Path.Combine(system.StateDirectory, "feed.ics");
        await File.WriteAllTextAsync(body, feed);

        var (ceiling, processes) = await StartCeilingAsync(path, body);
        try
        {
            var rows = new List<(string Name, Wrk Result)>();
            foreach (var (name, url) in new[] { ("ceiling", ceiling), ("gateway", gateway), ("meetings", direct) })
            {
                rows.Add((name, await Wrk.RunAsync(url, Connections, Seconds)));
            }
            Assert.All(rows, r => Assert.Equal(0, r.Result.Failures));
            var gatewayRate = rows.Single(r => r.Name == "gateway").Result.Rate;
            var ceilingRate = rows.Single(r => r.Name == "ceiling").Result.Rate;
            BenchmarkReport.Write(output, "meetings-feed",
                $"GET {path} without a token: {Meetings} meetings, {System.Text.Encoding.UTF8.GetByteCount(feed):N0} bytes; wrk, 1 thread, {Connections} connections, 10 s warm-up then {Seconds} s per target, on the servers' own cores",
                [.. rows.Select(r => $"{r.Name,-9} {r.Result.Rate,10:N0} req/s   p50 {r.Result.P50}   p99 {r.Result.P99}"),
                 $"gateway / ceiling: {gatewayRate / ceilingRate * 100:0} %"]);
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }
    }

    /// <summary>The bare YARP → Kestrel pair of <c>benchmarks/PocDirectory.Benchmarks</c>, serving <paramref name="bodyFile"/>; its URL for <paramref name="path"/>.</summary>
    private static async Task<(string Url, List<Process> Processes)> StartCeilingAsync(string path, string bodyFile)
    {
        var configuration = System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyConfigurationAttribute>(typeof(FeedBenchmarks).Assembly)?.Configuration ?? "Debug";
        var program = Path.Combine(RunningSystem.RepositoryRoot, "benchmarks", "PocDirectory.Benchmarks", "bin", configuration, "net10.0", "PocDirectory.Benchmarks.dll");
        Assert.True(File.Exists(program), $"{program} is built with the solution");
        var (backendPort, proxyPort) = (FreePort(), FreePort());
        var processes = new List<Process>
        {
            Process.Start(new ProcessStartInfo("dotnet", [program, "ceiling-backend", backendPort.ToString(CultureInfo.InvariantCulture), bodyFile]) { RedirectStandardOutput = true })!,
            Process.Start(new ProcessStartInfo("dotnet", [program, "ceiling-proxy", proxyPort.ToString(CultureInfo.InvariantCulture), $"http://127.0.0.1:{backendPort}"]) { RedirectStandardOutput = true })!,
        };
        var url = $"http://127.0.0.1:{proxyPort}{path}";
        using var http = new HttpClient();
        await Eventually.Until(async () =>
        {
            try
            {
                using var response = await http.GetAsync(url);
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, ok => ok, TimeSpan.FromSeconds(30), "the ceiling's proxy");
        return (url, processes);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One wrk run (1 thread): a 10 s warm-up, then the measured run; its rate, percentiles and failed requests.</summary>
public sealed record Wrk(double Rate, string P50, string P99, int Failures)
{
    public static async Task<Wrk> RunAsync(string url, int connections, int seconds)
    {
        await RunWrkAsync($"-t1 -c{connections} -d10s {url}");
        var text = await RunWrkAsync($"-t1 -c{connections} -d{seconds}s --latency {url}");
        string Field(string prefix) => text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim().Split(' ')[0];
        var failures = text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Non-2xx", StringComparison.Ordinal) || l.StartsWith("Socket errors", StringComparison.Ordinal)).Count();
        return new Wrk(double.Parse(Field("Requests/sec:"), CultureInfo.InvariantCulture), Field("50%"), Field("99%"), failures);
    }

    private static async Task<string> RunWrkAsync(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("wrk", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"wrk {arguments}: {text} {await process.StandardError.ReadToEndAsync()}");
        return text;
    }
}
