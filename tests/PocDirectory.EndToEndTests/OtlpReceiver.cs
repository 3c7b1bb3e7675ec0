using System.Collections.Concurrent;
using System.Net;
using PocDirectory.AppHost;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Stands in for an OpenTelemetry collector: an OTLP/HTTP endpoint on loopback that keeps every
/// export request (path and protobuf body) and answers with an empty success response.
/// </summary>
// Hand-written: no OpenTelemetry collector runs here (not in Debian, no Docker), and the registry has no OTLP receiver package.
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

    public OtlpReceiver()
    {
        Endpoint = new Uri($"http://127.0.0.1:{LoopbackPorts.GetFreePort()}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _ = Task.Run(ReceiveAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>The environment that makes the AppHost's services export here.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "5000",
    };

    public IReadOnlyList<(string Path, byte[] Body)> Received => _received.ToList();

    /// <summary>
    /// Where every export received from now on is passed on, as a collector passes telemetry on to
    /// its backends: the system's dashboard (its OTLP/HTTP endpoint), so that both can be tested.
    /// </summary>
    public Uri? ForwardTo { get; set; }

    private const string OtlpApiKeyHeader = "x-otlp-api-key";

    private static readonly HttpClient Forwarder = new() { Timeout = TimeSpan.FromSeconds(10) };

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            if (ForwardTo is { } forward)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(forward, context.Request.Url.AbsolutePath))
                    {
                        Content = new ByteArrayContent(body.ToArray()),
                    };
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
                    // The dashboard takes telemetry only with the key Aspire gave the services.
                    if (context.Request.Headers[OtlpApiKeyHeader] is { Length: > 0 } key)
                    {
                        request.Headers.Add(OtlpApiKeyHeader, key);
                    }
                    using var _ = await Forwarder.SendAsync(request);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // the dashboard is away (stopping): the export itself was received
                }
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
