using Aspire.Hosting.ApplicationModel;

namespace PocDirectory.AppHost;

/// <summary>One resource as people and scripts read it in <c>resources.json</c>.</summary>
public sealed record ResourceRow(string Name, string State, int? Pid, string? Url, string? ResourceId, string? ManagementUrl = null)
{
    /// <summary>The resource the row is of: its name, or for one of several replicas the replica's own id ("directory-xk2pq").</summary>
    public static string KeyOf(ResourceEvent resourceEvent) => IsReplicated(resourceEvent.Resource) ? resourceEvent.ResourceId : resourceEvent.Resource.Name;

    public static bool IsReplicated(IResource resource) =>
        resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) && replicas.Replicas > 1;

    /// <summary>The service a row belongs to: its name, also for each of its replicas.</summary>
    public string Service { get; init; } = Name;

    /// <summary>
    /// The row of a snapshot. "Running" means running and healthy (what a dependant waits for); a
    /// resource that runs but does not answer yet is "Starting". The pid is the process that listens:
    /// for a project, the service itself below the <c>dotnet run</c> that Aspire starts.
    /// </summary>
    public static ResourceRow From(ResourceEvent resourceEvent, bool restarting)
    {
        var resource = resourceEvent.Resource;
        var snapshot = resourceEvent.Snapshot;
        var state = snapshot.State?.Text switch
        {
            null or "" => KnownResourceStates.NotStarted,
            var s when s == KnownResourceStates.Running && snapshot.HealthStatus is not Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy => KnownResourceStates.Starting,
            var s => s,
        };
        if (restarting && state != KnownResourceStates.Running)
        {
            state = "Restarting";
        }
        int? pid = snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
        {
            int i => i,
            long l => (int)l,
            string s when int.TryParse(s, out var i) => i,
            _ => null,
        };
        if (pid is { } launcher && resource is ProjectResource project && state is not ("Exited" or "Finished" or "FailedToStart"))
        {
            pid = ServiceProcess(launcher, project);
        }
        if (state is "Exited" or "Finished" or "FailedToStart" or "NotStarted" or "Waiting")
        {
            pid = null;
        }
        // The orchestrator reports an exit a moment after it happened: a resource whose process is
        // gone is not Running, whatever its last snapshot says.
        if (state == KnownResourceStates.Running && resource is not PostgresDatabaseResource && (pid is null || !Posix.IsRunning(pid.Value)))
        {
            state = KnownResourceStates.Starting;
        }
        var management = resource switch
        {
            RabbitMQServerResource { ManagementPort: { } port } => $"http://127.0.0.1:{port}/",
            IResourceWithEndpoints withEndpoints when withEndpoints.GetEndpoints().FirstOrDefault(e => e.EndpointName == ServiceProjectExtensions.ManagementEndpoint) is { } endpoint
                => $"http://127.0.0.1:{endpoint.EndpointAnnotation.Port}/",
            _ => null,
        };
        return new ResourceRow(KeyOf(resourceEvent), state, pid, UrlOf(resource), resourceEvent.ResourceId, management) { Service = resource.Name };
    }

    /// <summary>The service's own process below <c>dotnet run</c> (the apphost executable of its build output).</summary>
    private static int? ServiceProcess(int launcher, ProjectResource project)
    {
        var assembly = Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath);
        return Posix.Descendants(launcher).FirstOrDefault(pid =>
            Posix.CommandLine(pid) is { } command && command.Contains(assembly, StringComparison.Ordinal)
            && !command.Contains(" run ", StringComparison.Ordinal)) is var found and > 0 ? found : null;
    }

    private static string? UrlOf(IResource resource) => resource switch
    {
        PostgresServerResource postgres => $"postgresql://127.0.0.1:{postgres.Port}",
        PostgresDatabaseResource database => $"postgresql://127.0.0.1:{database.Parent.Port}/{database.DatabaseName}",
        RabbitMQServerResource rabbit => $"amqp://127.0.0.1:{rabbit.Port}/",
        RedisServerResource redis => $"redis://127.0.0.1:{redis.Port}",
        SmtpSinkResource smtp => $"smtp://127.0.0.1:{smtp.Port}",
        EpmdResource epmd => $"tcp://127.0.0.1:{epmd.Port}",
        MonitoringServerResource monitoring => $"http://127.0.0.1:{monitoring.Port}",
        IResourceWithEndpoints withEndpoints when withEndpoints.GetEndpoints().FirstOrDefault(e => e.EndpointName == "http") is { } http
            => $"http://127.0.0.1:{http.EndpointAnnotation.Port}",
        _ => null,
    };
}
