using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using PocDirectory.AppHost;

namespace PocDirectory.UnitTests;

/// <summary>deploy/aspire-manifest.json is Aspire's own manifest of the AppHost's model, never written by hand.</summary>
public sealed class DeploymentManifestTests
{
    private static readonly string Root = RepositoryPaths.FindRoot();

    private static async Task<JsonDocument> PublishAsync(string output, string? kubernetes = null)
    {
        var configuration = typeof(DeploymentManifestTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var arg in new[] { Path.Combine(Root, "AppHost", "bin", configuration, "net10.0", "PocDirectory.AppHost.dll"), "--publisher", "manifest", "--output-path", output })
        {
            start.ArgumentList.Add(arg);
        }
        if (kubernetes is not null)
        {
            start.ArgumentList.Add("--kubernetes-output");
            start.ArgumentList.Add(kubernetes);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        Assert.True(process.ExitCode == 0, $"publishing failed ({process.ExitCode}): {await stdout}{await stderr}");
        return JsonDocument.Parse(await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task The_committed_manifests_are_what_the_AppHost_publishes()
    {
        // A folder beside deploy/, so that the project paths, relative to the manifest, compare.
        var folder = System.IO.Directory.CreateDirectory(Path.Combine(Root, $".manifest-check-{Guid.NewGuid():N}"));
        try
        {
            using var published = await PublishAsync(Path.Combine(folder.FullName, "aspire-manifest.json"), Path.Combine(folder.FullName, "kubernetes"));
            var committed = Path.Combine(Root, "deploy");
            var files = System.IO.Directory.EnumerateFiles(folder.FullName, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder.FullName, f)).Order(StringComparer.Ordinal).ToList();
            Assert.Contains(Path.Combine("kubernetes", "directory.yaml"), files);
            Assert.Equal(files, System.IO.Directory.EnumerateFiles(committed, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(committed, f)).Where(f => files.Contains(f) || f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
                .Where(f => !f.StartsWith("kubernetes-check", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList());
            foreach (var file in files)
            {
                Assert.True(await File.ReadAllTextAsync(Path.Combine(committed, file)) == await File.ReadAllTextAsync(Path.Combine(folder.FullName, file)),
                    $"deploy/{file} differs from what the AppHost's model gives: run scripts/publish-manifest.sh and commit deploy/.");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Every_service_is_a_project_that_reads_its_servers_by_the_names_it_reads_today()
    {
        var output = Path.Combine(System.IO.Directory.CreateTempSubdirectory("pocdir-manifest-").FullName, "aspire-manifest.json");
        using var manifest = await PublishAsync(output);
        var resources = manifest.RootElement.GetProperty("resources");
        // The run's own monitoring stays out: a deployment's operators scrape with theirs, using deploy/monitoring's rules.
        Assert.DoesNotContain(resources.EnumerateObject(), r => r.Name is ResourceNames.Prometheus or ResourceNames.Alertmanager || r.Name.Contains("exporter", StringComparison.Ordinal));

        foreach (var (service, database) in new[]
        {
            (ResourceNames.Directory, ResourceNames.DirectoryDb), (ResourceNames.Nominations, ResourceNames.NominationsDb),
            (ResourceNames.Notifications, ResourceNames.NotificationsDb), (ResourceNames.Meetings, ResourceNames.MeetingsDb),
            (ResourceNames.Identity, ResourceNames.IdentityDb),
        })
        {
            var project = resources.GetProperty(service);
            Assert.Equal("project.v0", project.GetProperty("type").GetString());
            var env = project.GetProperty("env");
            Assert.Equal($"{{{database}.connectionString}}", env.GetProperty($"ConnectionStrings__{database}").GetString());
            // Under the names the services read, each its own user's: a secret connection string of its own.
            Assert.Equal($"{{messaging-{service}.connectionString}}", env.GetProperty("ConnectionStrings__messaging").GetString());
            Assert.Equal($"{{cache-{service}.connectionString}}", env.GetProperty("ConnectionStrings__cache").GetString());
            foreach (var login in new[] { database, $"messaging-{service}", $"cache-{service}" })
            {
                Assert.Equal("parameter.v0", resources.GetProperty(login).GetProperty("type").GetString());
                Assert.True(resources.GetProperty(login).GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
            }
            Assert.Equal("http", project.GetProperty("bindings").GetProperty("http").GetProperty("scheme").GetString());
        }
        // The servers are secrets a deployment supplies (managed servers); nothing of this machine's is in it.
        foreach (var server in new[] { ResourceNames.Postgres, ResourceNames.Messaging, ResourceNames.Cache, ResourceNames.Mail })
        {
            var resource = resources.GetProperty(server);
            Assert.Equal("parameter.v0", resource.GetProperty("type").GetString());
            Assert.True(resource.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        }
        Assert.False(resources.TryGetProperty("messaging-epmd", out _));
        // This machine's passwords are not the deployment's: none is a parameter of the manifest.
        Assert.DoesNotContain(resources.EnumerateObject(), r => r.Name.EndsWith("-password", StringComparison.Ordinal));
        Assert.DoesNotContain(".pocdir", manifest.RootElement.GetRawText());
        Assert.True(resources.GetProperty("web-client-secret").GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
    }

    [Fact]
    public async Task The_Kubernetes_manifests_pass_the_Kubernetes_API_schemas_and_a_broken_one_does_not()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("pocdir-kubernetes-");
        try
        {
            using var _ = await PublishAsync(Path.Combine(folder.FullName, "aspire-manifest.json"), Path.Combine(folder.FullName, "kubernetes"));
            var files = System.IO.Directory.GetFiles(Path.Combine(folder.FullName, "kubernetes"), "*.yaml");
            Assert.Equal(9, files.Length); // seven projects, their parameters and their secrets

            var (code, output) = await ValidateAsync(files);
            Assert.True(code == 0, output);
            Assert.Contains("31 objects valid, 0 invalid", output); // a ConfigMap, Deployment, Service and NetworkPolicy per project, the parameters, 2 Secrets

            var broken = Path.Combine(folder.FullName, "broken.yaml");
            await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(Path.Combine(folder.FullName, "kubernetes", "directory.yaml")))
                .Replace("replicas: 1", "replicas: many", StringComparison.Ordinal));
            var (brokenCode, brokenOutput) = await ValidateAsync([broken]);
            Assert.Equal(1, brokenCode);
            Assert.Contains("Deployment directory", brokenOutput);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> ValidateAsync(IEnumerable<string> files)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Root, "deploy", "kubernetes-check", "validate.mjs"));
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public void In_a_cluster_a_service_takes_calls_only_from_the_projects_that_reference_it_and_the_entries_from_anyone()
    {
        static T Object<T>(string file) => k8s.KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Root, "deploy", "kubernetes", file)),
            new Dictionary<string, Type>
            {
                ["v1/ConfigMap"] = typeof(k8s.Models.V1ConfigMap), ["v1/Service"] = typeof(k8s.Models.V1Service),
                ["apps/v1/Deployment"] = typeof(k8s.Models.V1Deployment), ["networking.k8s.io/v1/NetworkPolicy"] = typeof(k8s.Models.V1NetworkPolicy),
            }).OfType<T>().Single();
        static IEnumerable<string> Callers(string service) => Object<k8s.Models.V1NetworkPolicy>($"{service}.yaml").Spec.Ingress
            .Single(rule => rule.Ports.Single().Port.Value == Port(service, "http")).FromProperty?
            .Select(peer => peer.PodSelector.MatchLabels["app.kubernetes.io/name"]).Order(StringComparer.Ordinal).ToList() ?? ["anyone"];
        static string Port(string service, string name) => Object<k8s.Models.V1Service>($"{service}.yaml").Spec.Ports.Single(p => p.Name == name).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(["gateway"], Callers(ResourceNames.Directory));
        Assert.Equal(["gateway", "web"], Callers(ResourceNames.Identity));
        Assert.Equal(["anyone"], Callers(ResourceNames.Gateway));
        Assert.Equal(["anyone"], Callers(ResourceNames.Web));
        // A public entry's health and metrics: only from the monitoring pods, and the probes ask there.
        foreach (var entry in new[] { ResourceNames.Gateway, ResourceNames.Web })
        {
            var management = Object<k8s.Models.V1NetworkPolicy>($"{entry}.yaml").Spec.Ingress.Single(rule => rule.Ports.Single().Port.Value == Port(entry, "management"));
            Assert.Equal("true", management.FromProperty.Single().PodSelector.MatchLabels[PocDirectory.AppHost.KubernetesManifests.MonitoringLabel]);
            var container = Object<k8s.Models.V1Deployment>($"{entry}.yaml").Spec.Template.Spec.Containers.Single();
            Assert.Equal(Port(entry, "management"), container.ReadinessProbe.HttpGet.Port.Value);
            Assert.Equal(Port(entry, "management"), container.LivenessProbe.HttpGet.Port.Value);
        }
        Assert.Single(Object<k8s.Models.V1NetworkPolicy>("directory.yaml").Spec.Ingress);

        // People reach the Web by its public name: sign-in's redirect and e-mailed links use it, never the service name.
        var identity = Object<k8s.Models.V1Deployment>("identity.yaml").Spec.Template.Spec;
        Assert.Equal("web-public-origin", identity.Containers.Single().Env.Single(e => e.Name == "Web__PublicOrigin").ValueFrom.ConfigMapKeyRef.Key);
        Assert.False(identity.AutomountServiceAccountToken);
        Assert.Equal(["ALL"], identity.Containers.Single().SecurityContext.Capabilities.Drop);
    }
}
