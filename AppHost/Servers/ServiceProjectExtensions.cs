using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class ServiceProjectExtensions
{
    /// <summary>The endpoint of a public entry that serves only <c>/health</c>, <c>/alive</c> and <c>/metrics</c>.</summary>
    public const string ManagementEndpoint = "management";

    /// <summary>What Aspire sets on every service for its dashboard that a service here must not get (see <see cref="AddService{TProject}"/>).</summary>
    public static readonly string[] AspireTraceDefaults =
    [
        "OTEL_TRACES_SAMPLER",
        "OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION",
        "OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION",
    ];

    /// <summary>
    /// One of the system's services: its HTTP endpoint on a fixed loopback port (not proxied, so the
    /// port belongs to the service's own process), healthy when <c>/health</c> answers 200. Launch
    /// profiles are not used: the model gives every setting. A public entry (the gateway, the Web) gets
    /// a second endpoint, <c>management</c>, the only one serving its health and metrics: the public
    /// port does not tell the world how the system is doing.
    /// </summary>
    /// <remarks>
    /// With <paramref name="replicas"/> above 1 (Aspire's replicas), the documented port belongs to the orchestrator's
    /// proxy, which spreads connections over the replicas; each replica listens on a port of its own, given to it by
    /// the orchestrator. Everything that references the service (the gateway's service discovery, the Web) reaches it
    /// through that one address, as it would through a cluster's Service.
    /// </remarks>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(this IDistributedApplicationBuilder builder, string name, int port, int? managementPort = null,
        int replicas = 1)
        where TProject : IProjectMetadata, new()
    {
        var replicated = replicas > 1;
        var project = builder.AddProject<TProject>(name, launchProfileName: null)
            .WithHttpEndpoint(port: port, targetPort: replicated ? null : port, name: "http", isProxied: replicated)
            .WithEndpoint("http", e => e.TargetHost = "127.0.0.1")
            .WithAnnotation(new ScrapeTargetAnnotation(name, managementPort ?? port));
        if (replicated)
        {
            project.WithReplicas(replicas);
        }
        if (managementPort is { } management)
        {
            project.WithHttpEndpoint(port: management, targetPort: replicated ? null : management, name: ManagementEndpoint, isProxied: replicated)
                .WithEndpoint(ManagementEndpoint, e => e.TargetHost = "127.0.0.1")
                .WithHttpHealthCheck("/health", endpointName: ManagementEndpoint);
            // Each replica's own management port: the orchestrator fills it in per replica.
            project.WithEnvironment(context => context.EnvironmentVariables["Management__Port"] = replicated
                ? ReferenceExpression.Create($"{project.GetEndpoint(ManagementEndpoint).Property(EndpointProperty.TargetPort)}")
                : management.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            project.WithHttpHealthCheck("/health");
        }
        if (builder.ExecutionContext.IsRunMode)
        {
            project.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
                .WithEnvironment("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
            // Metrics every 10 s rather than Aspire's 1 s: five services exporting every second cost each
            // about 2 % of a core at idle, and more while they start on two cores (docs/benchmarks.md).
            project.WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "10000");
            // Aspire asks every service to record every trace (always_on) and to leave URLs' query strings unredacted in
            // them. Here a service samples its traces itself (TraceSampling: every trace at a person's pace, a few a
            // second under load, where recording all of them took a third of the cores), and query strings (a search's
            // words, a calendar feed's secret) stay redacted in the dashboard.
            project.WithEnvironment(context =>
            {
                foreach (var unset in AspireTraceDefaults)
                {
                    context.EnvironmentVariables.Remove(unset);
                }
            });
            // Telemetry to a collector of one's own instead of the dashboard, or a sampler of one's own, when the AppHost is given one.
            foreach (var name2 in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_BSP_SCHEDULE_DELAY", "OTEL_METRIC_EXPORT_INTERVAL",
                         "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG" })
            {
                if (Environment.GetEnvironmentVariable(name2) is { Length: > 0 } value)
                {
                    project.WithEnvironment(name2, value);
                }
            }
        }
        return project;
    }

    /// <summary>
    /// The broker and the cache, each through a user of the service's own (<c>{server}-{user}</c>), under the
    /// connection names the services read (<c>messaging</c>, <c>cache</c>). When the broker is a cluster (its nodes added
    /// before), the service waits for every node, names them all (<c>Messaging__ClusterNodes</c>) and declares quorum
    /// queues (<c>Messaging__QuorumQueues</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLogins(this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<RabbitMQServerResource> messaging, IResourceBuilder<RedisServerResource> cache, string user)
    {
        project.WithReference(messaging.AddLogin(user), messaging.Resource.Name)
            .WithReference(cache.AddLogin(user), cache.Resource.Name);
        var nodes = messaging.Resource.ClusterNodes;
        if (messaging.Resource.Clustered)
        {
            foreach (var node in nodes.Where(n => n != messaging.Resource))
            {
                project.WaitFor(messaging.ApplicationBuilder.CreateResourceBuilder(node));
            }
            project.WithEnvironment("Messaging__ClusterNodes", string.Join(',', nodes.Select(n => $"127.0.0.1:{n.Port}")))
                .WithEnvironment("Messaging__QuorumQueues", "true");
        }
        return project;
    }
}
