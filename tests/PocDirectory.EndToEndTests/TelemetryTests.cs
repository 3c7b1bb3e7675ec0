using System.Diagnostics;
using System.Text;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set for the AppHost, every service exports traces and
/// metrics over OTLP, and one request is one trace across the gateway and the service behind it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TelemetryTests(SystemFixture fixture)
{
    [Fact]
    public async Task No_process_of_the_system_opens_a_socket_to_anything_but_loopback()
    {
        // The watch runs from the system's start to the end of the run; this looks at all it saw until now,
        // once it has taken a few samples of every kind of process.
        static bool Enough((IReadOnlyList<string> BeyondLoopback, int Samples, IReadOnlyList<string> Processes) seen) => seen.Samples >= 8
            && new[] { "postgres", "redis-server", "beam.smp" }.All(seen.Processes.Contains)
            && seen.Processes.Count(p => p.StartsWith("PocDirectory.", StringComparison.Ordinal)) >= 6;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!Enough(fixture.Sockets.Seen()) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        var (beyond, samples, processes) = fixture.Sockets.Seen();
        Assert.True(Enough((beyond, samples, processes)), $"{samples} samples, of {string.Join(", ", processes)}");
        Assert.True(beyond.Count == 0, $"Beyond loopback in {samples} samples of {string.Join(", ", processes)}: {string.Join("; ", beyond)}");
    }

    [Fact]
    public async Task A_request_through_the_gateway_is_one_trace_exported_by_both_services()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/directory/member-states/NZ");
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        (await fixture.Gateway.SendAsync(request)).EnsureSuccessStatusCode();

        var id = Convert.FromHexString(traceId.ToHexString());
        await WaitForExportAsync("/v1/traces", ResourceNames.Gateway, body => Contains(body, id), "the gateway's spans of the request");
        await WaitForExportAsync("/v1/traces", ResourceNames.Directory, body => Contains(body, id), "the directory's spans of the request");
    }

    [Theory]
    [InlineData(ResourceNames.Directory)]
    [InlineData(ResourceNames.Nominations)]
    [InlineData(ResourceNames.Notifications)]
    [InlineData(ResourceNames.Meetings)]
    [InlineData(ResourceNames.Identity)]
    [InlineData(ResourceNames.Gateway)]
    [InlineData(ResourceNames.Web)]
    public async Task Every_service_exports_metrics_under_its_resource_name(string service)
    {
        await WaitForExportAsync("/v1/metrics", service, body => Contains(body, Encoding.UTF8.GetBytes("http.server.request.duration")),
            $"{service}'s HTTP server metrics");
    }

    private async Task WaitForExportAsync(string path, string service, Func<byte[], bool> condition, string what)
    {
        var serviceName = ServiceNameAttribute(service);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!fixture.Telemetry.Received.Any(r => r.Path == path && Contains(r.Body, serviceName) && condition(r.Body)))
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"no OTLP export of {what} within 60 s; received {fixture.Telemetry.Received.Count} requests: " +
                string.Join(", ", fixture.Telemetry.Received.Select(r => r.Path).Distinct()));
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The protobuf bytes of the resource attribute <c>service.name = name</c> (a KeyValue whose value
    /// is an AnyValue string): present only in the exports of that very service.
    /// </summary>
    private static byte[] ServiceNameAttribute(string name)
    {
        var value = Encoding.UTF8.GetBytes(name);
        return [.. Encoding.UTF8.GetBytes("service.name"), 0x12, (byte)(value.Length + 2), 0x0A, (byte)value.Length, .. value];
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
