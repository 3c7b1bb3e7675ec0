using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using PocDirectory.AppHost;
using YamlDotNet.Serialization;

namespace PocDirectory.UnitTests;

/// <summary>
/// The monitoring in the AppHost's model: Prometheus' and Alertmanager's configurations are written from the model and
/// read by the programs' own checkers (promtool, amtool), every service and server is scraped under the job the alert
/// rules name, (a deployment's manifest carries none of it: DeploymentManifestTests).
/// </summary>
public sealed partial class MonitoringModelTests : IDisposable
{
    private readonly DirectoryInfo _state = System.IO.Directory.CreateTempSubdirectory("pocdir-monitoring-");

    public void Dispose() => _state.Delete(recursive: true);

    private async Task<DistributedApplicationModel> ModelAsync(params string[] args)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync(typeof(AppHostOptions), ["--state-dir", _state.FullName, .. args]);
        return new DistributedApplicationModel(builder.Resources);
    }

    private static List<Dictionary<object, object>> ScrapeConfigs(string config) =>
        ((List<object>)new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(config)["scrape_configs"])
        .Cast<Dictionary<object, object>>().ToList();

    [Fact]
    public async Task Prometheus_and_Alertmanager_run_on_their_loopback_ports_beside_the_exporters()
    {
        var model = await ModelAsync();

        Assert.Equal(18494, model.Resources.OfType<PrometheusResource>().Single(r => r.Name == ResourceNames.Prometheus).Port);
        Assert.Equal(18495, model.Resources.OfType<AlertmanagerResource>().Single(r => r.Name == ResourceNames.Alertmanager).Port);
        var exporters = model.Resources.OfType<ExporterResource>().ToDictionary(e => e.Name, e => (e.Server.Name, e.Port));
        Assert.Equal(("postgres", 18496), exporters["postgres-exporter"]);
        Assert.Equal(("cache", 18497), exporters["cache-exporter"]);
        Assert.Equal(18476, model.Resources.OfType<RabbitMQServerResource>().Single().PrometheusPort);
    }

    [Fact]
    public async Task Every_service_and_server_is_scraped_under_the_job_the_alert_rules_name()
    {
        var model = await ModelAsync();
        var prometheus = model.Resources.OfType<PrometheusResource>().Single();

        var jobs = ScrapeConfigs(MonitoringBuilderExtensions.PrometheusConfig(prometheus, model.Resources))
            .ToDictionary(j => (string)j["job_name"], j => (string)((List<object>)((Dictionary<object, object>)((List<object>)j["static_configs"])[0])["targets"])[0]);

        // Each service on the port that serves its metrics: the management port of a public entry, else its only one.
        Assert.Equal("127.0.0.1:18411", jobs[ResourceNames.Directory]);
        Assert.Equal("127.0.0.1:18402", jobs[ResourceNames.Gateway]);
        Assert.Equal("127.0.0.1:18403", jobs[ResourceNames.Web]);
        Assert.Equal("127.0.0.1:18496", jobs[ResourceNames.Postgres]);
        Assert.Equal("127.0.0.1:18497", jobs[ResourceNames.Cache]);
        Assert.Equal("127.0.0.1:18476", jobs[ResourceNames.Messaging]);
        Assert.Equal("127.0.0.1:18476", jobs["messaging-queues"]);
        // Every job an alert names by its job label is scraped, so that no alert watches a series nobody collects.
        var rules = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.FindRoot(), "deploy", "monitoring", "alert-rules.yml"));
        var named = JobMatchers().Matches(rules).SelectMany(m => m.Groups[1].Value.Split('|')).Distinct().ToList();
        Assert.Contains(ResourceNames.Meetings, named);
        Assert.All(named, job => Assert.Contains(job, jobs.Keys));
        // Nothing of the model's is scraped twice or missed: every project, and the three servers.
        Assert.Equal(model.Resources.OfType<ProjectResource>().Count() + 4, jobs.Count);
    }

    [GeneratedRegex("job=~?\"([a-z|-]+)\"")]
    private static partial Regex JobMatchers();

    [Fact]
    public async Task Promtool_accepts_the_configuration_written_from_the_model_with_the_repository_rules()
    {
        var model = await ModelAsync();
        var prometheus = model.Resources.OfType<PrometheusResource>().Single();
        var file = Path.Combine(_state.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(file, MonitoringBuilderExtensions.PrometheusConfig(prometheus, model.Resources));

        var (code, output) = await MonitoringTools.RunAsync("promtool", _state.FullName, "check", "config", file);

        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS: 14 rules found", output); // the rules file it names was read too
        Assert.Contains("127.0.0.1:18495", await File.ReadAllTextAsync(file)); // alerts go to the model's Alertmanager
    }

    [Fact]
    public async Task With_replicas_and_a_broker_cluster_each_replica_and_each_node_is_a_target_of_its_own_and_promtool_reads_them()
    {
        var model = await ModelAsync("--replicas", "2", "--broker-nodes", "3");
        var prometheus = model.Resources.OfType<PrometheusResource>().Single();
        var file = Path.Combine(_state.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(file, MonitoringBuilderExtensions.PrometheusConfig(prometheus, model.Resources));
        var jobs = ScrapeConfigs(await File.ReadAllTextAsync(file)).ToDictionary(j => (string)j["job_name"]);

        // Every project runs twice: its job reads its replicas from its own file; the servers keep their one address.
        foreach (var service in model.Resources.OfType<ProjectResource>().Select(p => p.Name))
        {
            var discovery = (Dictionary<object, object>)((List<object>)jobs[service]["file_sd_configs"]).Single();
            Assert.Equal(prometheus.TargetsFile(service), (string)((List<object>)discovery["files"]).Single());
            Assert.False(jobs[service].ContainsKey("static_configs"));
            // As ReplicaScrapeTargets writes it while the replicas run.
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(prometheus.TargetsFile(service))!);
            await File.WriteAllTextAsync(prometheus.TargetsFile(service),
                ReplicaScrapeTargets.FileSd(new Dictionary<string, int> { [$"{service}-b2"] = 40002, [$"{service}-a1"] = 40001 }));
        }
        Assert.True(jobs[ResourceNames.Postgres].ContainsKey("static_configs"));
        // Each broker node reports the queues it leads: the three are scraped under the seed's jobs, each named.
        foreach (var brokerJob in new[] { ResourceNames.Messaging, "messaging-queues" })
        {
            var nodes = ((List<object>)jobs[brokerJob]["static_configs"]).Cast<Dictionary<object, object>>()
                .Select(c => ((string)((List<object>)c["targets"]).Single(), (string)((Dictionary<object, object>)c["labels"])["node"])).ToList();
            Assert.Equal([("127.0.0.1:18476", "messaging"), ("127.0.0.1:18485", "messaging-2"), ("127.0.0.1:18486", "messaging-3")], nodes);
        }
        Assert.Equal([18476, 18485, 18486], model.Resources.OfType<RabbitMQServerResource>().OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => r.PrometheusPort));

        var (code, output) = await MonitoringTools.RunAsync("promtool", _state.FullName, "check", "config", file);
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output);

        // promtool reads the targets files themselves: one it cannot use is refused.
        await File.WriteAllTextAsync(prometheus.TargetsFile(ResourceNames.Directory), """[{"targets": ["127.0.0.1:40001"], "labels": {"0replica": "x"}}]""");
        (code, output) = await MonitoringTools.RunAsync("promtool", _state.FullName, "check", "config", file);
        Assert.NotEqual(0, code);
        Assert.Contains(prometheus.TargetsFile(ResourceNames.Directory), output);
    }

    [Fact]
    public void A_replicas_targets_name_each_replica_at_its_own_port_in_order()
    {
        var json = ReplicaScrapeTargets.FileSd(new Dictionary<string, int> { ["directory-zz"] = 40002, ["directory-aa"] = 40001 });

        var groups = System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Select(g => (Target: g.GetProperty("targets").EnumerateArray().Single().GetString(), Replica: g.GetProperty("labels").GetProperty("replica").GetString()))
            .ToList();
        Assert.Equal([("127.0.0.1:40001", "directory-aa"), ("127.0.0.1:40002", "directory-zz")], groups);
        Assert.Equal("[]", ReplicaScrapeTargets.FileSd(new Dictionary<string, int>()));
    }

    [Theory]
    // A public entry serves its metrics on its management port only.
    [InlineData("http://127.0.0.1:41001;http://127.0.0.1:41002", "41002", 41002)]
    // A service, on the one address it listens on.
    [InlineData("http://127.0.0.1:41003", null, 41003)]
    // Not filled in by the orchestrator yet, or nothing to scrape.
    [InlineData(null, null, null)]
    [InlineData("http://127.0.0.1", null, null)]
    public void A_replicas_metrics_port_comes_from_the_environment_the_orchestrator_gave_it(string? urls, string? management, int? expected)
    {
        var environment = new List<EnvironmentVariableSnapshot> { new("OTEL_SERVICE_NAME", "directory", true) };
        if (urls is not null)
        {
            environment.Add(new("ASPNETCORE_URLS", urls, true));
        }
        if (management is not null)
        {
            environment.Add(new("Management__Port", management, true));
        }

        Assert.Equal(expected, ReplicaScrapeTargets.MetricsPort(environment));
    }

    [Fact]
    public async Task Promtool_refuses_a_configuration_whose_rules_file_is_missing()
    {
        var model = await ModelAsync();
        var real = model.Resources.OfType<PrometheusResource>().Single();
        var prometheus = new PrometheusResource("prometheus", "prometheus", _state.FullName, 18494, Path.Combine(_state.FullName, "absent.yml"), real.ScrapeInterval);
        var file = Path.Combine(_state.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(file, MonitoringBuilderExtensions.PrometheusConfig(prometheus, model.Resources));

        var (code, output) = await MonitoringTools.RunAsync("promtool", _state.FullName, "check", "config", file);

        Assert.NotEqual(0, code);
        Assert.Contains("absent.yml", output);
    }

    [Fact]
    public async Task Amtool_accepts_the_Alertmanager_configuration_which_mails_the_operations_address_through_the_sink()
    {
        var model = await ModelAsync();
        var alertmanager = model.Resources.OfType<AlertmanagerResource>().Single();
        var file = Path.Combine(_state.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(file, MonitoringBuilderExtensions.AlertmanagerConfig(alertmanager));

        var (code, output) = await MonitoringTools.RunAsync("amtool", _state.FullName, "check-config", file);

        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output);
        var config = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(await File.ReadAllTextAsync(file));
        Assert.Equal("127.0.0.1:18425", ((Dictionary<object, object>)config["global"])["smtp_smarthost"]);
        Assert.Contains("to: operations@example.org", await File.ReadAllTextAsync(file));
        Assert.Contains("send_resolved: true", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public void An_operations_address_that_is_not_one_is_refused_when_the_model_is_built()
    {
        var builder = DistributedApplication.CreateBuilder();
        var mail = builder.AddSmtpSink("mail", 18425, _state.FullName);

        var error = Assert.Throws<ArgumentException>(() => builder.AddAlertmanager("alertmanager", 18495, _state.FullName, mail, "operations, ceo@example.org"));

        Assert.Contains("not an e-mail address", error.Message);
    }
}
