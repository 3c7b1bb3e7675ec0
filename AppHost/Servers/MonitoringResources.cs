namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// What Prometheus scrapes of a resource: <c>http://127.0.0.1:{Port}{Path}</c> under the job <see cref="Job"/>
/// (the resource's name, or for an exporter the name of the server it reads). The scrape configuration is written
/// from these annotations, so a resource added to the model is scraped without a second list.
/// </summary>
public sealed record ScrapeTargetAnnotation(string Job, int Port, string Path = "/metrics",
    IReadOnlyDictionary<string, string>? Parameters = null) : IResourceAnnotation;

/// <summary>A server of the monitoring that speaks HTTP on 127.0.0.1 (Prometheus, Alertmanager, an exporter).</summary>
public abstract class MonitoringServerResource(string name, string command, string dataDirectory, int port)
    : ServerResource(name, command, dataDirectory, port)
{
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public override ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"http://{HostAndPort}");
}

/// <summary>
/// Prometheus from Debian's package: scrapes every <see cref="ScrapeTargetAnnotation"/> of the model, evaluates the
/// repository's alert rules and sends what fires to the model's Alertmanager.
/// </summary>
public sealed class PrometheusResource(string name, string command, string dataDirectory, int port, string rulesFile, TimeSpan scrapeInterval)
    : MonitoringServerResource(name, command, dataDirectory, port)
{
    /// <summary>The alert rules, read where they are kept in the repository (not copied).</summary>
    public string RulesFile { get; } = Path.GetFullPath(rulesFile);

    /// <summary>How often every target is scraped and the rules evaluated.</summary>
    public TimeSpan ScrapeInterval { get; } = scrapeInterval;

    /// <summary>Written from the model before every start.</summary>
    public string ConfigFile => Path.Combine(DataDirectory, "prometheus.yml");

    /// <summary>
    /// The targets of a job whose service runs as several replicas, one per replica, kept current while the system runs
    /// (Prometheus' file-based discovery: <c>ReplicaScrapeTargets</c> writes them).
    /// </summary>
    public string TargetsFile(string job) => Path.Combine(DataDirectory, "targets", $"{job}.json");
}

/// <summary>Alertmanager from Debian's package: every alert e-mailed to the operations address, and its resolution.</summary>
public sealed class AlertmanagerResource(string name, string command, string dataDirectory, int port, SmtpSinkResource mail, string operationsAddress)
    : MonitoringServerResource(name, command, dataDirectory, port)
{
    /// <summary>The SMTP server the alerts leave through (the sink here; a relay in a deployment).</summary>
    public SmtpSinkResource Mail { get; } = mail;

    /// <summary>Where the alerts go: the operations team's mailbox.</summary>
    public string OperationsAddress { get; } = operationsAddress;

    /// <summary>Written before every start.</summary>
    public string ConfigFile => Path.Combine(DataDirectory, "alertmanager.yml");
}

/// <summary>A Prometheus exporter from Debian's packages that reads one server (<see cref="Server"/>) for Prometheus.</summary>
public sealed class ExporterResource(string name, string command, string dataDirectory, int port, ServerResource server)
    : MonitoringServerResource(name, command, dataDirectory, port)
{
    public ServerResource Server { get; } = server;
}

/// <summary>
/// PostgreSQL's monitoring role: it signs in to the maintenance database only (pg_hba.conf) and holds
/// <c>pg_monitor</c>, which reads the statistics views and nothing of the services' data.
/// </summary>
public sealed class PostgresMonitoringLoginResource(string name, PostgresServerResource parent, string user, ServerPassword password)
    : Resource(name), IResourceWithParent<PostgresServerResource>
{
    public PostgresServerResource Parent { get; } = parent;

    public string User { get; } = ServerLoginResource.ValidUser(user);

    public ServerPassword Password { get; } = password;

    /// <summary>The only database it may enter.</summary>
    public const string Database = "postgres";
}
