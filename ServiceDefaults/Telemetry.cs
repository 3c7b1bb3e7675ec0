using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// OpenTelemetry without OpenTelemetry.Extensions.Hosting (absent from the registry): the providers are
/// built with the SDK, owned by the container and flushed when the host stops. The framework and
/// libraries emit on their own sources, so no instrumentation package is needed.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Activity sources the services listen to; wildcards are allowed.</summary>
    public static readonly string[] TraceSources =
        ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "MassTransit", "Yarp.ReverseProxy", "PocDirectory.*"];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting", "System.Net.Http", "System.Runtime",
        "Npgsql", "MassTransit", "Yarp.ReverseProxy", "PocDirectory.*",
    ];

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        builder.Services.AddSingleton(_ =>
        {
            var tracing = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(r => r.AddService(serviceName))
                .AddSource(TraceSources);
            if (exportOtlp)
            {
                tracing.AddOtlpExporter();
            }
            return tracing.Build();
        });
        builder.Services.AddSingleton(_ =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(r => r.AddService(serviceName))
                .AddMeter(Meters);
            if (exportOtlp)
            {
                metrics.AddOtlpExporter();
            }
            return metrics.Build();
        });
        builder.Services.AddHostedService<TelemetryLifetime>();
        return builder;
    }

    /// <summary>Creates the providers when the host starts and flushes them when it stops.</summary>
    private sealed class TelemetryLifetime(TracerProvider tracing, MeterProvider metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracing.ForceFlush(5_000);
            metrics.ForceFlush(5_000);
            return Task.CompletedTask;
        }
    }
}
