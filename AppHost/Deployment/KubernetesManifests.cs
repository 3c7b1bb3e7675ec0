using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace PocDirectory.AppHost;

/// <summary>
/// What a cluster needs to run the system, derived from Aspire's deployment manifest of the model
/// (never written twice): per project a Deployment (image, port, health probes, resource requests)
/// and a Service; its plain settings in a ConfigMap; every connection string and secret parameter as
/// a reference into a Secret the operator fills in (the servers are managed ones in a cluster).
/// Objects are KubernetesClient's typed models, written by its own YAML serializer.
/// </summary>
public static partial class KubernetesManifests
{
    /// <summary>Holds every connection string, by the name the services read (<c>ConnectionStrings__NAME</c>).</summary>
    public const string ConnectionStringsSecret = "pocdirectory-connection-strings";

    /// <summary>Holds the secret parameters of the model (the Web's client secret).</summary>
    public const string ParametersSecret = "pocdirectory-parameters";

    /// <summary>Holds the plain parameters of the model (the public origin), set by the operator.</summary>
    public const string ParametersConfigMap = "pocdirectory-parameters";

    public const string ImageRegistry = "pocdirectory";

    /// <summary>Writes one YAML file per project, and the Secrets to fill in, into <paramref name="outputDirectory"/>.</summary>
    public static IReadOnlyList<string> Write(string manifestPath, string outputDirectory)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var resources = manifest.RootElement.GetProperty("resources").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
        Directory.CreateDirectory(outputDirectory);
        foreach (var stale in Directory.EnumerateFiles(outputDirectory, "*.yaml"))
        {
            File.Delete(stale);
        }
        var written = new List<string>();
        void Save(string file, params IKubernetesObject[] objects)
        {
            var path = Path.Combine(outputDirectory, file);
            File.WriteAllText(path, "# Generated from aspire-manifest.json by scripts/publish-manifest.sh: do not edit.\n"
                + string.Join("---\n", objects.Select(o => KubernetesYaml.Serialize(o).TrimEnd('\n') + "\n")));
            written.Add(path);
        }

        var connectionStrings = new SortedSet<string>(StringComparer.Ordinal);
        var secretParameters = new SortedSet<string>(StringComparer.Ordinal);
        var plainParameters = new SortedSet<string>(StringComparer.Ordinal);
        var projects = resources.Where(r => Type(r.Value) == "project.v0").OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        foreach (var (name, resource) in projects)
        {
            var port = HttpTargetPort(resource, name);
            var plain = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var fromSecrets = new List<V1EnvVar>();
            foreach (var variable in resource.GetProperty("env").EnumerateObject())
            {
                var value = variable.Value.GetString() ?? "";
                switch (Resolve(value, resources))
                {
                    case Resolved.Plain(var text):
                        plain[variable.Name] = text;
                        break;
                    case Resolved.Secret(var secret, var key):
                        (secret == ConnectionStringsSecret ? connectionStrings : secretParameters).Add(key);
                        fromSecrets.Add(new V1EnvVar { Name = variable.Name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } } });
                        break;
                    case Resolved.Setting(var key):
                        plainParameters.Add(key);
                        fromSecrets.Add(new V1EnvVar { Name = variable.Name, ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = ParametersConfigMap, Key = key } } });
                        break;
                }
            }
            // Who may call it: anyone for a public entry (an external endpoint), else only the projects the model lets reach it.
            var callers = External(resource) ? null
                : projects.Where(p => p.Value.GetProperty("env").TryGetProperty($"services__{name}__http__0", out _)).Select(p => p.Key).ToList();
            var management = ManagementTargetPort(resource);
            Save($"{name}.yaml", ConfigMap(name, plain), Deployment(name, port, management, fromSecrets), Service(name, port, management),
                NetworkPolicy(name, port, callers, management));
        }
        Save("parameters.yaml", new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta
            {
                Name = ParametersConfigMap,
                Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "pocdirectory" },
                Annotations = new Dictionary<string, string> { ["pocdirectory/description"] = "Parameters of the model (public-origin: the gateway's public address, e.g. https://directory.example.org/): fill in each value before applying." },
            },
            Data = plainParameters.ToDictionary(k => k, _ => ""),
        });
        Save("secrets.yaml",
            Secret(ConnectionStringsSecret, connectionStrings, "Connection strings of the managed PostgreSQL, RabbitMQ, Redis and SMTP servers"),
            Secret(ParametersSecret, secretParameters, "Secret parameters of the model"));
        return written;
    }

    private abstract record Resolved
    {
        public sealed record Plain(string Text) : Resolved;

        public sealed record Secret(string Name, string Key) : Resolved;

        public sealed record Setting(string Key) : Resolved;
    }

    /// <summary>
    /// A manifest value for a cluster: connection strings and secret parameters become Secret
    /// references; endpoints become the Service's DNS name; plain parameters their value.
    /// </summary>
    private static Resolved Resolve(string value, IReadOnlyDictionary<string, JsonElement> resources)
    {
        var whole = Expression().Match(value);
        if (whole.Success && whole.Length == value.Length)
        {
            var (resource, path) = (whole.Groups["resource"].Value, whole.Groups["path"].Value);
            if (path == "connectionString")
            {
                return new Resolved.Secret(ConnectionStringsSecret, resource);
            }
            if (path == "value" && resources.TryGetValue(resource, out var parameter) && Type(parameter) == "parameter.v0")
            {
                return IsSecret(parameter) ? new Resolved.Secret(ParametersSecret, resource) : new Resolved.Setting(resource);
            }
        }
        var text = Expression().Replace(value, m =>
        {
            var (resource, path) = (m.Groups["resource"].Value, m.Groups["path"].Value);
            var target = resources.TryGetValue(resource, out var r) ? r
                : throw new InvalidOperationException($"The manifest refers to an unknown resource '{resource}' in '{value}'.");
            return path switch
            {
                "bindings.http.url" => $"http://{resource}:{HttpTargetPort(target, resource)}",
                "bindings.http.host" => resource,
                "bindings.http.port" or "bindings.http.targetPort" => HttpTargetPort(target, resource).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "bindings.management.targetPort" when ManagementTargetPort(target) is { } management => management.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => throw new InvalidOperationException($"'{m.Value}' in '{value}' cannot be expressed in a cluster: a secret inside a longer value."),
            };
        });
        return new Resolved.Plain(text);
    }

    private static bool IsSecret(JsonElement resource) =>
        resource.TryGetProperty("inputs", out var inputs) && inputs.TryGetProperty("value", out var input)
        && input.TryGetProperty("secret", out var secret) && secret.GetBoolean();

    private static string Type(JsonElement resource) => resource.GetProperty("type").GetString() ?? "";

    private static int? ManagementTargetPort(JsonElement resource) =>
        resource.GetProperty("bindings").TryGetProperty("management", out var binding) && binding.TryGetProperty("targetPort", out var port) ? port.GetInt32() : null;

    private static int HttpTargetPort(JsonElement resource, string name) =>
        resource.GetProperty("bindings").GetProperty("http").TryGetProperty("targetPort", out var port) ? port.GetInt32()
        : throw new InvalidOperationException($"{name} has no http target port in the manifest.");

    private static bool External(JsonElement resource) =>
        resource.GetProperty("bindings").GetProperty("http").TryGetProperty("external", out var external) && external.GetBoolean();

    /// <summary>
    /// Ingress on the service's port only, from <paramref name="callers"/> (null: from anywhere); on a
    /// public entry's management port, only from the monitoring pods (labelled <see cref="MonitoringLabel"/>).
    /// </summary>
    private static V1NetworkPolicy NetworkPolicy(string name, int port, IReadOnlyList<string>? callers, int? management) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = new V1ObjectMeta { Name = name, Labels = Labels(name) },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector { MatchLabels = Labels(name) },
            PolicyTypes = ["Ingress"],
            Ingress =
            [
                new V1NetworkPolicyIngressRule
                {
                    Ports = [new V1NetworkPolicyPort { Port = port, Protocol = "TCP" }],
                    FromProperty = callers?.Select(caller => new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = Labels(caller) } }).ToList(),
                },
                .. management is { } managementPort
                    ? new[]
                    {
                        new V1NetworkPolicyIngressRule
                        {
                            Ports = [new V1NetworkPolicyPort { Port = managementPort, Protocol = "TCP" }],
                            FromProperty = [new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [MonitoringLabel] = "true" } } }],
                        },
                    }
                    : [],
            ],
        },
    };

    private static Dictionary<string, string> Labels(string name) => new() { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/part-of"] = "pocdirectory" };

    private static V1ConfigMap ConfigMap(string name, IDictionary<string, string> values) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = $"{name}-settings", Labels = Labels(name) },
        Data = values,
    };

    /// <summary>The label of the pods (Prometheus, say) allowed to a public entry's management port.</summary>
    public const string MonitoringLabel = "pocdirectory/monitoring";

    private static V1Deployment Deployment(string name, int port, int? management, IList<V1EnvVar> secrets) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, Labels = Labels(name) },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = Labels(name) },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = Labels(name) },
                Spec = new V1PodSpec
                {
                    AutomountServiceAccountToken = false, // no service calls the Kubernetes API
                    SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
                    Containers =
                    [
                        new V1Container
                        {
                            Name = name,
                            Image = $"{ImageRegistry}/{name}:latest",
                            Ports = [new V1ContainerPort { ContainerPort = port, Name = "http" },
                                .. management is { } m ? new[] { new V1ContainerPort { ContainerPort = m, Name = "management" } } : []],
                            EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = $"{name}-settings" } }],
                            Env = secrets,
                            // /alive: the process answers; /health: its database, broker and cache too (a public entry's on its management port).
                            LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/alive", Port = management ?? port }, PeriodSeconds = 10, FailureThreshold = 3 },
                            ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = management ?? port }, PeriodSeconds = 5, FailureThreshold = 3 },
                            StartupProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/alive", Port = management ?? port }, PeriodSeconds = 2, FailureThreshold = 60 },
                            Resources = new V1ResourceRequirements
                            {
                                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("256Mi") },
                                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("768Mi") },
                            },
                            SecurityContext = new V1SecurityContext
                            {
                                RunAsNonRoot = true, AllowPrivilegeEscalation = false, ReadOnlyRootFilesystem = true,
                                Capabilities = new V1Capabilities { Drop = ["ALL"] },
                            },
                        },
                    ],
                },
            },
        },
    };

    private static V1Service Service(string name, int port, int? management) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, Labels = Labels(name) },
        Spec = new V1ServiceSpec
        {
            Selector = Labels(name),
            Ports = [new V1ServicePort { Port = port, Name = "http", TargetPort = port },
                .. management is { } m ? new[] { new V1ServicePort { Port = m, Name = "management", TargetPort = m } } : []],
        },
    };

    private static V1Secret Secret(string name, IEnumerable<string> keys, string description) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "pocdirectory" },
            Annotations = new Dictionary<string, string> { ["pocdirectory/description"] = $"{description}: fill in each value before applying." },
        },
        Type = "Opaque",
        StringData = keys.ToDictionary(k => k, _ => ""),
    };

    [GeneratedRegex(@"\{(?<resource>[a-z0-9-]+)\.(?<path>[A-Za-z0-9.]+)\}")]
    private static partial Regex Expression();
}
