namespace PocDirectory.AppHost.Hosting;

/// <summary>Declares the resources of the system, as Aspire's builder does.</summary>
// Hand-written: Aspire.Hosting (and its DCP orchestrator) is not in the package registry; see ARCHITECTURE.md.
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];
    private readonly List<StartupCommand> _commands = [];

    private DistributedApplicationBuilder(AppHostOptions options) => Options = options;

    public AppHostOptions Options { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    public static DistributedApplicationBuilder Create(AppHostOptions options) => new(options);

    public PostgresServer AddPostgres(string name, int port) => Add(new PostgresServer(For(name, port)));

    /// <summary>Also reserves <paramref name="port"/> + 1 (Erlang distribution) and + 2 (epmd).</summary>
    public RabbitMqServer AddRabbitMQ(string name, int port) =>
        Add(new RabbitMqServer(For(name, port), distPort: port + 1, epmdPort: port + 2));

    public RedisServer AddRedis(string name, int port) => Add(new RedisServer(For(name, port)));

    public SmtpSink AddSmtpSink(string name, int port) => Add(new SmtpSink(For(name, port)));

    /// <param name="projectPath">The .csproj, relative to the repository root.</param>
    public ProjectResource AddProject(string name, string projectPath, int port) =>
        Add(new ProjectResource(For(name, port), Path.Combine(Options.RepositoryRoot, projectPath), Options.Configuration));

    /// <summary>
    /// A secret shared by resources (like Aspire's generated parameters): made once at random and kept
    /// in the state folder (<c>secrets/NAME</c>, readable by the owner only), never in the repository.
    /// </summary>
    public string AddGeneratedSecret(string name)
    {
        var directory = Path.Combine(Options.StateDirectory, "secrets");
        var path = Path.Combine(directory, name);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= 32 } existing)
        {
            return existing;
        }
        var secret = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options))
        {
            writer.Write(secret);
        }
        return secret;
    }

    /// <summary>
    /// A command of a service's program (its administrative mode), run to its end with the service's
    /// configuration once everything is running, in the order added; a failure stops everything.
    /// </summary>
    public void AddStartupCommand(string name, ProjectResource project, params string[] args) =>
        _commands.Add(new StartupCommand(name, project, args));

    public DistributedApplication Build() => new(Options, StartOrder(_resources), _commands);

    /// <summary>Dependencies before dependants; a cycle is a mistake in the declaration.</summary>
    public static IReadOnlyList<Resource> StartOrder(IReadOnlyList<Resource> resources)
    {
        var ordered = new List<Resource>();
        var state = new Dictionary<Resource, bool>(); // false: visiting, true: done
        void Visit(Resource resource, Stack<Resource> path)
        {
            if (state.TryGetValue(resource, out var done))
            {
                if (!done)
                {
                    var cycle = path.Reverse().SkipWhile(r => r != resource).Select(r => r.Name).Append(resource.Name);
                    throw new InvalidOperationException($"Resources wait for each other in a cycle: {string.Join(" -> ", cycle)}.");
                }
                return;
            }
            if (!resources.Contains(resource))
            {
                throw new InvalidOperationException($"{path.Peek().Name} waits for {resource.Name}, which was not added to the builder.");
            }
            state[resource] = false;
            path.Push(resource);
            foreach (var dependency in resource.WaitsFor)
            {
                Visit(dependency, path);
            }
            path.Pop();
            state[resource] = true;
            ordered.Add(resource);
        }
        foreach (var resource in resources)
        {
            Visit(resource, new Stack<Resource>());
        }
        return ordered;
    }

    private T Add<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => r.Name == resource.Name))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' was already added.");
        }
        resource.Supervised = true;
        _resources.Add(resource);
        return resource;
    }

    private ServerOptions For(string name, int port) => new()
    {
        Name = name,
        DataDirectory = Path.Combine(Options.DataDirectory, name),
        LogDirectory = Options.LogDirectory,
        Port = Options.Isolated ? 0 : port,
        EchoToConsole = Options.EchoToConsole,
    };
}

/// <summary>A run of <see cref="Project"/>'s program with <see cref="Args"/>, after start-up.</summary>
public sealed record StartupCommand(string Name, ProjectResource Project, IReadOnlyList<string> Args);
