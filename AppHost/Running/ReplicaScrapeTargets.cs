using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace PocDirectory.AppHost;

/// <summary>
/// Prometheus' targets for a service that runs as several replicas: one per replica, at the metrics port the
/// orchestrator gave that replica, labelled with the replica's id (<c>replica="directory-xk2pq"</c>), in the file
/// Prometheus reads for the job (<see cref="PrometheusResource.TargetsFile"/>, its file-based discovery). The file is
/// written again whenever a replica appears or its port changes. A replica that died stays a target, so it shows
/// <c>up == 0</c> of its own until it is back; through the service's one address, a scrape reaches whichever replica
/// the proxy picks.
/// </summary>
public sealed class ReplicaScrapeTargets(ResourceNotificationService notifications) : ResourceWatcher
{
    private IReadOnlyDictionary<string, List<string>> _files = new Dictionary<string, List<string>>();

    /// <summary>
    /// Reads which services run as several replicas, and empties their files (a previous run's replicas and ports are
    /// gone). Called before the loop starts, in the start-up event: the model's list is not safe to read while another
    /// handler of that event still changes it (the dashboard inserts its resource).
    /// </summary>
    public void Prepare(DistributedApplicationModel model)
    {
        if (model.Resources.OfType<PrometheusResource>().SingleOrDefault() is not { } prometheus)
        {
            return;
        }
        _files = model.Resources.Where(ResourceRow.IsReplicated)
            .ToDictionary(r => r.Name, r => r.Annotations.OfType<ScrapeTargetAnnotation>().Select(t => prometheus.TargetsFile(t.Job)).ToList());
        foreach (var file in _files.Values.SelectMany(f => f))
        {
            Write(file, new Dictionary<string, int>());
        }
    }

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        if (_files.Count == 0)
        {
            return;
        }
        var ports = new Dictionary<string, SortedDictionary<string, int>>();
        await foreach (var resourceEvent in notifications.WatchAsync(stoppingToken))
        {
            if (!_files.TryGetValue(resourceEvent.Resource.Name, out var files) || files.Count == 0
                || MetricsPort(resourceEvent.Snapshot.EnvironmentVariables) is not { } port)
            {
                continue; // not replicated, or not launched yet (its environment comes with its process)
            }
            if (!ports.TryGetValue(resourceEvent.Resource.Name, out var replicas))
            {
                ports[resourceEvent.Resource.Name] = replicas = new SortedDictionary<string, int>(StringComparer.Ordinal);
            }
            if (replicas.TryGetValue(resourceEvent.ResourceId, out var known) && known == port)
            {
                continue;
            }
            replicas[resourceEvent.ResourceId] = port;
            foreach (var file in files)
            {
                Write(file, replicas);
            }
        }
    }

    /// <summary>
    /// The port a replica serves its metrics on, from the environment the orchestrator gave it: its management port
    /// (a public entry's), else the port of the one address it listens on. Null while the orchestrator has not
    /// filled them in.
    /// </summary>
    public static int? MetricsPort(IEnumerable<EnvironmentVariableSnapshot> environment)
    {
        var variables = environment.GroupBy(v => v.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        if (variables.TryGetValue("Management__Port", out var management))
        {
            return Port(management);
        }
        var first = variables.GetValueOrDefault("ASPNETCORE_URLS")?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first is not null && Uri.TryCreate(first, UriKind.Absolute, out var url) && !url.IsDefaultPort && url.Port > 0 ? url.Port : null;
    }

    private static int? Port(string? value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;

    /// <summary>Prometheus' file-based discovery format: a target group per replica, its id as a label.</summary>
    public static string FileSd(IReadOnlyDictionary<string, int> replicas) =>
        JsonSerializer.Serialize(replicas.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new
        {
            targets = new[] { $"127.0.0.1:{r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}" },
            labels = new Dictionary<string, string> { ["replica"] = r.Key },
        }));

    /// <summary>Whole or not at all: Prometheus may read the file at any moment.</summary>
    private static void Write(string file, IReadOnlyDictionary<string, int> replicas)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var partial = file + ".partial";
        File.WriteAllText(partial, FileSd(replicas));
        File.Move(partial, file, overwrite: true);
    }
}
