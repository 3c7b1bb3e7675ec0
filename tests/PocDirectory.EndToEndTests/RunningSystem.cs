using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using PocDirectory.AppHost;

namespace PocDirectory.EndToEndTests;

/// <summary>One row of <c>resources.json</c>; a replica's <see cref="Name"/> is its own ("directory-xk2pq"), its <see cref="Service"/> the resource's.</summary>
public sealed record ResourceInfo(string Name, string State, int? Pid, string? Url, string? ManagementUrl = null, string? Service = null)
{
    public string ServiceName => Service ?? Name;
}

/// <summary>
/// The whole system started the way a person starts it: the AppHost, here with <c>--isolated</c> so
/// every server and service gets a free port and a private state folder. Endpoints and pids come from
/// the AppHost's <c>resources.json</c>.
/// </summary>
public sealed class RunningSystem : IAsyncDisposable
{
    private readonly Process _appHost;
    private readonly string _stateDirectory;

    private RunningSystem(Process appHost, string stateDirectory)
    {
        _appHost = appHost;
        _stateDirectory = stateDirectory;
    }

    public string StateDirectory => _stateDirectory;

    public int AppHostPid => _appHost.Id;

    public bool HasExited => _appHost.HasExited;

    public static string RepositoryRoot { get; } = RepositoryPaths.FindRoot();

    /// <param name="arguments">More of the AppHost's options: <c>--replicas 2</c>, <c>--broker-nodes 3</c>.</param>
    public static async Task<RunningSystem> StartAsync(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? arguments = null)
    {
        var configuration = typeof(RunningSystem).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var appHostDll = Path.Combine(RepositoryRoot, "AppHost", "bin", configuration, "net10.0", "PocDirectory.AppHost.dll");
        var state = System.IO.Directory.CreateTempSubdirectory("pocdir-e2e-").FullName;
        // env restores SIGINT's default handling: a shell running this suite in the background hands
        // its children SIGINT ignored, and the AppHost would then never see the Ctrl+C this suite sends.
        var start = new ProcessStartInfo("/usr/bin/env")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] args = ["--default-signal=INT", "dotnet", appHostDll, "--isolated", "--state-dir", state, "--configuration", configuration, "--no-console-logs", .. arguments ?? []];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The AppHost did not start.");
        var log = new StreamWriter(Path.Combine(state, "apphost-console.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var system = new RunningSystem(process, state);
        try
        {
            await system.WaitUntilAsync(r => r.Count > 0 && r.All(x => x.State == "Running"), timeout, "every resource Running");
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    public IReadOnlyList<ResourceInfo> Resources()
    {
        var path = Path.Combine(_stateDirectory, "resources.json");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (!File.Exists(path))
                {
                    return [];
                }
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                return doc.RootElement.GetProperty("resources").EnumerateArray().Select(r => new ResourceInfo(
                    r.GetProperty("name").GetString()!,
                    r.GetProperty("state").GetString()!,
                    r.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.Number ? pid.GetInt32() : null,
                    r.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String ? url.GetString() : null,
                    r.TryGetProperty("managementUrl", out var management) && management.ValueKind == JsonValueKind.String ? management.GetString() : null,
                    r.TryGetProperty("service", out var service) && service.ValueKind == JsonValueKind.String ? service.GetString() : null)).ToList();
            }
            catch (Exception ex) when ((ex is IOException or JsonException) && attempt < 5)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>The resource <paramref name="name"/>; for a service run as replicas, its first replica.</summary>
    public ResourceInfo Resource(string name) =>
        Resources() is var all && all.SingleOrDefault(r => r.Name == name) is { } one ? one
            : all.Where(r => r.ServiceName == name).OrderBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault()
              ?? throw new InvalidOperationException($"No resource {name} in resources.json.");

    /// <summary>Every replica of <paramref name="service"/> (one row when it runs alone).</summary>
    public IReadOnlyList<ResourceInfo> Replicas(string service) =>
        Resources().Where(r => r.ServiceName == service).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();

    public Uri Url(string name) => new(Resource(name).Url ?? throw new InvalidOperationException($"{name} has no URL."));

    /// <summary>Where a resource serves its health and metrics: the management port of a public entry, else its one URL.</summary>
    public Uri OperationalUrl(string name) => Resource(name) is { ManagementUrl: { } management } ? new Uri(management) : Url(name);

    /// <summary>A connection string to one of the system's databases, as the superuser (its password from the state folder), unpooled.</summary>
    public string DatabaseConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Url(ResourceNames.Postgres).Port};Username=postgres;Password={Secret($"{ResourceNames.Postgres}-superuser-password")};Database={database};Pooling=false";

    /// <summary>Redis as its operator (every right), for tests that look inside it.</summary>
    public string RedisConnectionString =>
        $"127.0.0.1:{Url(ResourceNames.Cache).Port},user=operator,password={Secret($"{ResourceNames.Cache}-operator-password")},allowAdmin=true";

    /// <summary>A secret the AppHost made for this state folder (<c>secrets/NAME</c>): a server user's password, a key.</summary>
    public string Secret(string name) => File.ReadAllText(Path.Combine(_stateDirectory, "secrets", name)).Trim();

    /// <summary>The first column of the first row of <paramref name="sql"/> on one of the system's databases; parameters by name.</summary>
    public async Task<T> ScalarAsync<T>(string database, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new Npgsql.NpgsqlConnection(DatabaseConnectionString(database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No row: {sql}"));
    }

    /// <summary>The gateway as browsers reach it, and the tokens' issuer ("localhost", for passkeys), as the AppHost publishes it.</summary>
    public Uri PublicOrigin => new(Published("publicOrigin"));

    /// <summary>The dashboard's OTLP/HTTP endpoint.</summary>
    public Uri DashboardOtlpHttp => new(Published("dashboardOtlpHttp"));

    /// <summary>Aspire's dashboard, on loopback.</summary>
    public Uri DashboardUrl => new(Published("dashboard"));

    /// <summary>The Web as the README gives it to people: at "localhost".</summary>
    public Uri WebOrigin => new(Published("webOrigin"));

    private string Published(string property)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_stateDirectory, "resources.json")));
        return doc.RootElement.GetProperty(property).GetString() ?? throw new InvalidOperationException($"resources.json has no {property}.");
    }

    public async Task<IReadOnlyList<ResourceInfo>> WaitUntilAsync(Func<IReadOnlyList<ResourceInfo>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var resources = Resources();
            if (condition(resources))
            {
                return resources;
            }
            if (_appHost.HasExited || DateTime.UtcNow > deadline)
            {
                var states = string.Join(", ", resources.Select(r => $"{r.Name}={r.State}"));
                throw new TimeoutException(
                    $"Waited {timeout.TotalSeconds:0} s for {what} (AppHost {(_appHost.HasExited ? $"exited with {_appHost.ExitCode}" : "running")}; {states}). " +
                    $"Logs: {_stateDirectory}\n{Tail(Path.Combine(_stateDirectory, "apphost-console.log"))}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does, and waits for the AppHost to exit.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        if (!_appHost.HasExited)
        {
            _ = Posix.Signal(_appHost.Id, Posix.SigInt);
        }
        using var cts = new CancellationTokenSource(timeout);
        await _appHost.WaitForExitAsync(cts.Token);
        return _appHost.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_appHost.HasExited)
            {
                await InterruptAsync(TimeSpan.FromSeconds(90));
            }
        }
        catch (OperationCanceledException)
        {
            _appHost.Kill(entireProcessTree: true);
        }
        // The databases and the broker's files (≈ 100 MB) go once everything has stopped; the logs stay
        // for whoever reads a failure.
        if (_appHost.HasExited && _appHost.ExitCode == 0)
        {
            try
            {
                System.IO.Directory.Delete(Path.Combine(_stateDirectory, "data"), recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // left in the temporary folder
            }
        }
        _appHost.Dispose();
    }

    private static string Tail(string path) =>
        File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(40)) : "(no AppHost output)";
}
