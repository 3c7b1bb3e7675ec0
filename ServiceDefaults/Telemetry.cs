using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// OpenTelemetry as Aspire's ServiceDefaults template writes it: ASP.NET Core, HttpClient and runtime
/// instrumentation, the project's own sources, OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set, and a Prometheus scrape endpoint. Libraries add their own sources where they are registered
/// (Npgsql with the database, MassTransit with the bus, YARP in the gateway), as Aspire's client
/// integrations do.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The project's own activity sources and meters (outbox, caches…).</summary>
    public const string OwnSources = "PocDirectory.*";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, bool publicEntry = false) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // The service name comes from OTEL_SERVICE_NAME, which the AppHost sets, as Aspire does; its version is the build's
        // (the Operations page shows it, from Prometheus' target_info).
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddAttributes([new("service.version", ServiceVersion)]))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(OwnSources)
                // A token check takes well under a millisecond: ASP.NET Core's default buckets start at 5 ms, which would
                // put every check in the first and make any percentile of them a guess.
                .AddView("aspnetcore.authentication.authenticate.duration", new ExplicitBucketHistogramConfiguration
                {
                    Boundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
                })
                // Prometheus' pull model for the operations team's scraper. The exporter is the
                // OpenTelemetry project's own and has only ever been published as a prerelease.
                .AddPrometheusExporter());

        // Spans are recorded only when there is somewhere to send them: recording every request's
        // spans to drop them cost the gateway a quarter of its throughput (docs/benchmarks.md).
        // Trace context still flows between services and into the logs either way.
        if (IsOtlpConfigured(builder))
        {
            // At most a few traces a second begin here (TraceSampling).
            var sampler = TraceSampling.For(builder.Configuration, publicEntry);
            otel.WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName, OwnSources)
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !ServiceDefaultsExtensions.IsOperationalPath(context.Request.Path))
                    .AddHttpClientInstrumentation();
                if (sampler is not null)
                {
                    tracing.SetSampler(sampler);
                }
            });
            otel.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>The running service's version: its entry assembly's informational version, without the source revision's suffix.</summary>
    public static string ServiceVersion { get; } =
        (System.Reflection.Assembly.GetEntryAssembly()?.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown")
        .Split('+')[0];

    public static bool IsOtlpConfigured(IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>Adds a library's meter and, when spans are exported, its activity source (e.g. "MassTransit").</summary>
    public static IHostApplicationBuilder AddTelemetrySource(this IHostApplicationBuilder builder, string source)
    {
        var otel = builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(source));
        if (IsOtlpConfigured(builder))
        {
            otel.WithTracing(tracing => tracing.AddSource(source));
        }
        return builder;
    }
}
