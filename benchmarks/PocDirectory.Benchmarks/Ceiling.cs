using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace PocDirectory.Benchmarks;

/// <summary>
/// The ceiling that the gateway's throughput is compared with: a bare YARP proxy in one process
/// forwarding to a bare Kestrel endpoint in another that returns a constant body (the same bytes the
/// real endpoint returns). No telemetry, no rate limiter, no headers: only the two hops.
/// </summary>
public static class Ceiling
{
    /// <summary>Serves <paramref name="bodyFile"/> as application/json at every path.</summary>
    public static Task RunBackendAsync(int port, string bodyFile)
    {
        var body = File.ReadAllBytes(bodyFile);
        var app = CreateBuilder(port).Build();
        app.MapGet("/{**path}", (HttpContext context) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        });
        return app.RunAsync();
    }

    /// <summary>Forwards every request to <paramref name="backend"/>.</summary>
    public static Task RunProxyAsync(int port, string backend)
    {
        var builder = CreateBuilder(port);
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "/{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = "backend",
                Destinations = new Dictionary<string, DestinationConfig> { ["backend"] = new() { Address = backend } },
            }]);
        var app = builder.Build();
        app.MapReverseProxy();
        return app.RunAsync();
    }

    private static WebApplicationBuilder CreateBuilder(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return builder;
    }
}
