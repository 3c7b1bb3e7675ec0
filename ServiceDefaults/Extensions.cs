using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every PocDirectory service shares, in the shape of Aspire's ServiceDefaults: telemetry, health
/// endpoints, problem details, service discovery and resilient HttpClients.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// A public entry's second port (<c>Management__Port</c>): the only one that serves <c>/health</c>,
    /// <c>/alive</c> and <c>/metrics</c>, and it serves nothing else. Unset, the one port serves both.
    /// </summary>
    public const string ManagementPortKey = "Management:Port";

    /// <summary>The probes' and scrapers' paths.</summary>
    public static bool IsOperationalPath(PathString path) =>
        path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath) || path.StartsWithSegments(MetricsPath);
    public const int MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>WebApplication adds UseAuthentication at the front of the pipeline unless this key says it is set.</summary>
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    private static bool IsAnonymousEndpoint(HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata
        && metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null
        && metadata.GetMetadata<ReadsTokenWhenGiven>() is null;

    /// <summary>Marks an anonymous endpoint that answers more to a signed-in caller: its token is checked when it comes.</summary>
    public sealed class ReadsTokenWhenGiven;

    /// <summary>
    /// Open to anyone, and the caller's token (when one comes) is checked, so that the endpoint can answer a
    /// signed-in person more. A token that fails makes the caller anonymous; it is never refused.
    /// </summary>
    public static TBuilder AllowAnonymousReadingToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous().WithMetadata(new ReadsTokenWhenGiven());

    /// <param name="publicEntry">
    /// True for the processes that face clients (the gateway, the Web): a client's trace header does not decide what
    /// they record (<see cref="TraceSampling"/>).
    /// </param>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, bool publicEntry = false) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureStructuredLogging();
        builder.ConfigureOpenTelemetry(publicEntry);
        builder.AddDefaultHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<PocDirectory.RequestProblems>();
        // Unreadable requests always throw, so that RequestProblems answers each one the same way in every environment.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        // Nothing tells a caller which server software answers.
        // No request needs more than a megabyte (an OpenPGP key is the largest field): a larger body is refused with 413.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });

        // Endpoints such as http://gateway resolve from services__gateway__http__0, as under Aspire.
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler(options =>
            {
                // A 429 is a refusal for this caller, not a passing fault: retrying it within seconds only adds load,
                // and counting it would let one over-limit caller open the circuit for everyone behind the same client.
                options.Retry.ShouldHandle = args => TransientButNotRefused(args.Outcome);
                options.CircuitBreaker.ShouldHandle = args => TransientButNotRefused(args.Outcome);
                // A POST or PATCH that timed out may still have been applied: never send it twice.
                options.Retry.DisableFor(HttpMethod.Post, HttpMethod.Patch, HttpMethod.Connect);
            });
            http.AddServiceDiscovery();
        });
        return builder;
    }

    private static ValueTask<bool> TransientButNotRefused(Polly.Outcome<HttpResponseMessage> outcome) =>
        ValueTask.FromResult(outcome switch
        {
            { Result.StatusCode: System.Net.HttpStatusCode.TooManyRequests } => false,
            { Exception: HttpRequestException { StatusCode: System.Net.HttpStatusCode.TooManyRequests } } => false,
            _ => Microsoft.Extensions.Http.Resilience.HttpClientResiliencePredicates.IsTransient(outcome),
        });

    /// <summary>Console logs one line per entry, carrying the trace and span ids of the current activity.</summary>
    public static TBuilder ConfigureStructuredLogging<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        // Per-command SQL and per-request framework lines drown what matters; warnings still show.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Migrations", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        // YARP logs two lines per proxied request at Information: at load, the gateway's main cost.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        // OpenIddict logs three to five lines per token validated or issued at Information: half and more of every service's log.
        builder.Logging.AddFilter("OpenIddict", LogLevel.Warning);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.IncludeScopes = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
            options.UseUtcTimestamp = true;
        });
        // Values classified as contact data are redacted on their way into any log: a mail server's answer keeps its
        // words and loses the addresses it names (DataTaxonomy).
        builder.Logging.EnableRedaction();
        builder.Services.AddRedaction(redaction => redaction.SetRedactor<PocDirectory.EmailAddressRedactor>(
            new Microsoft.Extensions.Compliance.Classification.DataClassificationSet(PocDirectory.DataTaxonomy.ContactText)));
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        // Every check, the libraries' included, reports a failure as one line: while a server starts, each probe of
        // /health would otherwise log the whole stack trace of the same refused connection.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            var registrations = options.Registrations.ToList();
            options.Registrations.Clear();
            foreach (var registration in registrations)
            {
                options.Registrations.Add(OneLineHealthCheck.Wrap(registration));
            }
        });
        return builder;
    }

    /// <summary>
    /// <c>/alive</c>: the process answers. <c>/health</c>: every check (database, broker, cache) passes.
    /// <c>/metrics</c>: Prometheus' scrape. Mapped in every environment: a health endpoint that exists
    /// only in Development is a 404 in production. With <see cref="ManagementPortKey"/> set (the gateway and the Web, the public entries), the three are
    /// served on that port only.
    /// </summary>
    /// <param name="authenticateEveryRequest">
    /// True only for Identity, whose token server answers its requests from inside the authentication
    /// step. Elsewhere a request to an anonymous endpoint (which never challenges) is served without
    /// checking the token it may carry: checking it cost the gateway and the Directory half their
    /// throughput on the public Member States list (docs/benchmarks.md).
    /// </param>
    /// <param name="trustForwardedFor">
    /// Take the client's address from the X-Forwarded-For the gateway adds, when the request comes from
    /// a loopback address (the gateway's): what the audit log and per-address checks of a service see.
    /// The gateway itself passes false: it faces the clients, and a client could write that header.
    /// </param>
    /// <param name="browserErrors">
    /// What a browser's request that ended in an error with no body is shown instead of problem details (the other
    /// clients keep those), registered on the branch of such requests: for the services people open in a browser. A
    /// request counts as a browser's when it accepts text/html.
    /// </param>
    /// <param name="errorPage">A page's path shown (re-executed) for an unhandled error, for the services that are pages only (the Web).</param>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, bool authenticateEveryRequest = false, bool trustForwardedFor = true, Action<IApplicationBuilder>? browserErrors = null, string? errorPage = null)
    {
        if (trustForwardedFor)
        {
            // The client's address and scheme as the gateway saw them (https behind a TLS terminator).
            app.UseForwardedHeaders(TransportSecurity.GatewayHeaders(app.Configuration));
        }
        if (errorPage is null)
        {
            app.UseExceptionHandler();
        }
        else
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = errorPage, CreateScopeForErrors = true });
        }
        app.UseStatusCodePages();
        if (browserErrors is not null)
        {
            // Inside the problem details' handler, so it answers first: a page for a browser, problem details for the rest.
            app.UseWhen(AcceptsHtml, browserErrors);
        }
        if (app.Configuration.GetValue<int?>(ManagementPortKey) is { } managementPort)
        {
            // By the port the connection reached, not the Host header (a client writes that): the public
            // port does not say how the system is doing or how busy it is, the management port serves no API.
            app.Use((context, next) =>
            {
                if (IsOperationalPath(context.Request.Path) != (context.Connection.LocalPort == managementPort))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }
                return next(context);
            });
        }
        // Placed here, after the status code pages, so that a 401 or 403 is a problem details answer too.
        if (app.Services.GetService<IAuthenticationSchemeProvider>() is not null)
        {
            if (authenticateEveryRequest)
            {
                app.UseAuthentication();
            }
            else
            {
                // An anonymous endpoint never challenges, so its requests need no token check at all.
                app.UseWhen(context => !IsAnonymousEndpoint(context), branch => branch.UseAuthentication());
                ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true; // WebApplication must not add it again
            }
            app.UseAuthorization();
        }
        // Anonymous: probes and scrapers carry no token, and none of these reveals data or secrets.
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        return app;
    }

    /// <summary>A browser's request: one that accepts HTML (an API client asks for JSON, or for anything without naming HTML).</summary>
    public static bool AcceptsHtml(HttpContext context) =>
        context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The health report as JSON: overall status and, per check, its status and duration. Descriptions,
/// exception messages and data stay out (they can name hosts or connection details); they are in
/// the service's log.
/// </summary>
public static class HealthReportWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
