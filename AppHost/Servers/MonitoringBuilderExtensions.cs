using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using PocDirectory.AppHost;
using YamlDotNet.Serialization;

namespace Aspire.Hosting;

/// <summary>
/// The operations team's monitoring from Debian's packages: Prometheus, which scrapes what the model marks with
/// <see cref="ScrapeTargetAnnotation"/> and evaluates the repository's alert rules, and Alertmanager, which e-mails
/// what fires. Both listen on 127.0.0.1 only and keep their data in the state folder.
/// </summary>
public static class MonitoringBuilderExtensions
{
    private static readonly ISerializer Yaml = new SerializerBuilder().Build();

    public static IResourceBuilder<PrometheusResource> AddPrometheus(this IDistributedApplicationBuilder builder, string name, int port,
        string dataDirectory, string rulesFile, TimeSpan scrapeInterval)
    {
        if (scrapeInterval < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(scrapeInterval), scrapeInterval, "Prometheus scrapes at most once a second.");
        }
        var server = new PrometheusResource(name, ServerBuilderExtensions.Which("prometheus"), dataDirectory, port, rulesFile, scrapeInterval);
        // The model as it stands when Prometheus starts (every resource is in it by then).
        var resources = builder.Resources;
        return builder.AddServer(server, "http", (p, ct) => Probes.HttpOkAsync(new Uri(p.Url, "-/ready"), ct), (p, _) =>
            {
                File.WriteAllText(p.ConfigFile, PrometheusConfig(p, resources));
                return Task.CompletedTask;
            })
            .WithArgs(context =>
            {
                context.Args.Add($"--config.file={server.ConfigFile}");
                context.Args.Add($"--storage.tsdb.path={Path.Combine(server.DataDirectory, "tsdb")}");
                context.Args.Add("--storage.tsdb.retention.time=31d");
                context.Args.Add($"--web.listen-address=127.0.0.1:{Invariant(port)}");
                context.Args.Add("--log.level=warn");
            })
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Alertmanager, sending every alert and its resolution to <paramref name="operationsAddress"/> through <paramref name="mail"/>.
    /// Its cluster port is off: one Alertmanager here, and that port would listen on every interface.
    /// </summary>
    public static IResourceBuilder<AlertmanagerResource> AddAlertmanager(this IDistributedApplicationBuilder builder, string name, int port,
        string dataDirectory, IResourceBuilder<SmtpSinkResource> mail, string operationsAddress)
    {
        if (!System.Net.Mail.MailAddress.TryCreate(operationsAddress, out var address) || address.Address != operationsAddress)
        {
            throw new ArgumentException($"'{operationsAddress}' is not an e-mail address.", nameof(operationsAddress));
        }
        var server = new AlertmanagerResource(name, ServerBuilderExtensions.Which("prometheus-alertmanager"), dataDirectory, port,
            mail.Resource, operationsAddress);
        return builder.AddServer(server, "http", (a, ct) => Probes.HttpOkAsync(new Uri(a.Url, "-/ready"), ct), (a, _) =>
            {
                File.WriteAllText(a.ConfigFile, AlertmanagerConfig(a));
                return Task.CompletedTask;
            })
            .WithArgs(context =>
            {
                context.Args.Add($"--config.file={server.ConfigFile}");
                context.Args.Add($"--storage.path={Path.Combine(server.DataDirectory, "data")}");
                context.Args.Add($"--web.listen-address=127.0.0.1:{Invariant(port)}");
                context.Args.Add("--cluster.listen-address=");
                context.Args.Add("--log.level=warn");
            })
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Prometheus' configuration: a job per scrape target of the model (its name the resource's, or the server's for an
    /// exporter), the rules file, and the model's Alertmanagers. A service of several replicas is scraped replica by
    /// replica, each at its own port, from the file <see cref="PrometheusResource.TargetsFile"/> kept current while the
    /// system runs: through the service's one address each scrape would reach some replica, and a dead one would have no
    /// <c>up</c> of its own.
    /// </summary>
    public static string PrometheusConfig(PrometheusResource prometheus, IEnumerable<IResource> resources)
    {
        var list = resources.ToList();
        var interval = Duration(prometheus.ScrapeInterval);
        var scrapeConfigs = list
            .SelectMany(r => r.Annotations.OfType<ScrapeTargetAnnotation>().Select(t => (Resource: r, Target: t)))
            .GroupBy(x => x.Target.Job, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var t = g.First().Target;
                if (g.Any(x => x.Target.Path != t.Path || !SameParameters(x.Target.Parameters, t.Parameters)))
                {
                    throw new InvalidOperationException($"Two scrape targets are named '{g.Key}' with different paths or parameters.");
                }
                var job = new Dictionary<string, object>
                {
                    ["job_name"] = t.Job,
                    ["metrics_path"] = t.Path,
                };
                if (g.Count() == 1 && ResourceRow.IsReplicated(g.Single().Resource))
                {
                    job["file_sd_configs"] = new[]
                    {
                        new Dictionary<string, object> { ["files"] = new[] { prometheus.TargetsFile(t.Job) }, ["refresh_interval"] = "5s" },
                    };
                }
                else if (g.Count() == 1)
                {
                    job["static_configs"] = new[] { new Dictionary<string, object> { ["targets"] = new[] { $"127.0.0.1:{Invariant(t.Port)}" } } };
                }
                else
                {
                    // Several servers under one job (a cluster's nodes): each its own target, named by its resource.
                    job["static_configs"] = g.Select(x => new Dictionary<string, object>
                    {
                        ["targets"] = new[] { $"127.0.0.1:{Invariant(x.Target.Port)}" },
                        ["labels"] = new Dictionary<string, string> { ["node"] = x.Resource.Name },
                    }).ToArray();
                }
                if (t.Parameters is { Count: > 0 } parameters)
                {
                    job["params"] = parameters.ToDictionary(p => p.Key, p => new[] { p.Value });
                }
                return job;
            })
            .ToList();
        var config = new Dictionary<string, object>
        {
            ["global"] = new Dictionary<string, object>
            {
                ["scrape_interval"] = interval,
                ["evaluation_interval"] = interval,
                ["scrape_timeout"] = Duration(TimeSpan.FromTicks(Math.Min(prometheus.ScrapeInterval.Ticks, TimeSpan.FromSeconds(10).Ticks))),
            },
            ["rule_files"] = new[] { prometheus.RulesFile },
            ["scrape_configs"] = scrapeConfigs,
        };
        var alertmanagers = list.OfType<AlertmanagerResource>().Select(a => $"127.0.0.1:{Invariant(a.Port)}").ToArray();
        if (alertmanagers.Length > 0)
        {
            config["alerting"] = new Dictionary<string, object>
            {
                ["alertmanagers"] = new[] { new Dictionary<string, object> { ["static_configs"] = new[] { new Dictionary<string, object> { ["targets"] = alertmanagers } } } },
            };
        }
        return "# Written by the AppHost from its model before every start; edits are lost.\n" + Yaml.Serialize(config);
    }

    /// <summary>
    /// Alertmanager's configuration: one route to the operations address, alerts grouped by name and job, the
    /// resolution sent too. The SMTP sink takes mail without TLS or sign-in on loopback; a relay of a deployment is
    /// configured by its operator.
    /// </summary>
    public static string AlertmanagerConfig(AlertmanagerResource alertmanager)
    {
        var config = new Dictionary<string, object>
        {
            ["global"] = new Dictionary<string, object>
            {
                ["smtp_smarthost"] = $"127.0.0.1:{Invariant(alertmanager.Mail.Port)}",
                ["smtp_from"] = "PocDirectory alerts <alerts@localhost>",
                ["smtp_hello"] = "localhost",
                ["smtp_require_tls"] = false,
                ["resolve_timeout"] = "5m",
            },
            ["route"] = new Dictionary<string, object>
            {
                ["receiver"] = "operations",
                ["group_by"] = new[] { "alertname", "job" },
                ["group_wait"] = "10s",
                ["group_interval"] = "30s",
                ["repeat_interval"] = "4h",
            },
            ["receivers"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "operations",
                    ["email_configs"] = new[] { new Dictionary<string, object> { ["to"] = alertmanager.OperationsAddress, ["send_resolved"] = true } },
                },
            },
        };
        return "# Written by the AppHost before every start; edits are lost.\n" + Yaml.Serialize(config);
    }

    private static bool SameParameters(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(p => b!.TryGetValue(p.Key, out var v) && v == p.Value));

    private static string Duration(TimeSpan value) => $"{Invariant((int)Math.Ceiling(value.TotalSeconds))}s";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
