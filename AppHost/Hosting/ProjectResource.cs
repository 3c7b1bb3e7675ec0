using System.Diagnostics;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// A .NET service of this repository, run from its build output with <c>dotnet</c>, configured the way
/// Aspire configures services: <c>ConnectionStrings__*</c>, <c>services__*__http__0</c> and
/// <c>OTEL_*</c>. Healthy when <c>/health</c> answers 200.
/// </summary>
public sealed class ProjectResource : Resource
{
    private readonly string _projectPath;
    private readonly string _configuration;
    private readonly List<IResourceWithConnectionString> _connections = [];
    private readonly List<ProjectResource> _services = [];
    private readonly Dictionary<string, string> _environment = new();

    public ProjectResource(ServerOptions options, string projectPath, string configuration) : base(options)
    {
        _projectPath = projectPath;
        _configuration = configuration;
    }

    public override string Url => $"http://127.0.0.1:{Port}";

    protected override TimeSpan DefaultStartTimeout => TimeSpan.FromSeconds(90);

    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(10);

    public string AssemblyPath => Path.Combine(
        Path.GetDirectoryName(_projectPath)!, "bin", _configuration, "net10.0",
        Path.GetFileNameWithoutExtension(_projectPath) + ".dll");

    public ProjectResource WithReference(IResourceWithConnectionString resource)
    {
        _connections.Add(resource);
        return this;
    }

    public ProjectResource WithReference(ProjectResource service)
    {
        _services.Add(service);
        return this;
    }

    public ProjectResource WithEnvironment(string name, string value)
    {
        _environment[name] = value;
        return this;
    }

    /// <summary>Start only once <paramref name="resource"/> (for a database: its server) is Running.</summary>
    public ProjectResource WaitFor(IResource resource)
    {
        var owner = resource as Resource ?? (resource as IResourceWithConnectionString)?.Owner
            ?? throw new ArgumentException($"{resource.Name} is not something to wait for.", nameof(resource));
        if (!WaitsFor.Contains(owner))
        {
            WaitsFor.Add(owner);
        }
        return this;
    }

    /// <summary>The variables the service receives, as Aspire would set them.</summary>
    public IReadOnlyDictionary<string, string> BuildEnvironment()
    {
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = Url,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["OTEL_SERVICE_NAME"] = Name,
            ["DOTNET_NOLOGO"] = "1",
        };
        var otlp = System.Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (!string.IsNullOrWhiteSpace(otlp))
        {
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
        }
        foreach (var connection in _connections)
        {
            env[$"ConnectionStrings__{connection.Name}"] = connection.ConnectionString;
        }
        foreach (var service in _services)
        {
            env[$"services__{service.Name}__http__0"] = service.Url;
        }
        foreach (var (key, value) in _environment)
        {
            env[key] = value;
        }
        return env;
    }

    protected override Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(AssemblyPath))
        {
            throw new FileNotFoundException(
                $"{Name}: {AssemblyPath} does not exist. Build first: dotnet build PocDirectory.sln -c {_configuration}");
        }
        return Task.CompletedTask;
    }

    protected override ProcessStartInfo CreateStartInfo()
    {
        var start = new ProcessStartInfo(DotnetHost) { WorkingDirectory = Path.GetDirectoryName(_projectPath)! };
        start.ArgumentList.Add(AssemblyPath);
        foreach (var (key, value) in BuildEnvironment())
        {
            start.Environment[key] = value;
        }
        return start;
    }

    /// <summary>The dotnet host running the AppHost itself when there is one, else the one on PATH.</summary>
    internal static string DotnetHost =>
        System.Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    protected override Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        Probes.HttpOkAsync(new Uri(Url + "/health"), cancellationToken);
}
