using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using PocDirectory.AppHost;

namespace PocDirectory.Testing;

/// <summary>
/// Real servers for tests, started by Aspire from the AppHost's own server recipes
/// (<c>AddPostgresServer</c>, <c>AddRabbitMQServer</c>, …) on free loopback ports, with their data
/// in a temporary folder. Stopping and starting a server goes through Aspire's resource commands.
/// </summary>
public sealed class ServerApp : IAsyncDisposable
{
    private readonly DistributedApplication _app;

    private ServerApp(DistributedApplication app, string root)
    {
        _app = app;
        Root = root;
    }

    public string Root { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="declare">Adds the servers, given the builder and a data folder of the app's own.</param>
    public static async Task<ServerApp> StartAsync(Action<IDistributedApplicationBuilder, string> declare, bool restartCrashed = false)
    {
        var root = System.IO.Directory.CreateTempSubdirectory("pocdir-it-").FullName;
        // The orchestrator's location is read from the AppHost's assembly, as when the AppHost runs.
        var builder = AppHostAssembly.Run(() => DistributedApplicationTestingBuilder.Create(Array.Empty<string>(), (options, _) =>
        {
            options.DisableDashboard = true;
            options.EnableResourceLogging = false; // the servers' own output stays out of the test log
            options.AssemblyName = typeof(AppHostOptions).Assembly.GetName().Name;
        }));
        declare(builder, root);
        if (restartCrashed)
        {
            builder.RestartCrashedResources();
        }
        var app = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await app.StartAsync(timeout.Token);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var server in builder.Resources.OfType<ServerResource>())
            {
                await notifications.WaitForResourceHealthyAsync(server.Name, timeout.Token);
            }
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var started = new ServerApp(app, root);
        _ = started.WatchAsync();
        return started;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly CancellationTokenSource _stopping = new();

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var e in _app.Services.GetRequiredService<ResourceNotificationService>().WatchAsync(_stopping.Token))
            {
                _latest[e.Resource.Name] = e;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public T Resource<T>(string name) where T : IResource =>
        _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<T>().Single(r => r.Name == name);

    /// <summary>Stops the server through Aspire and waits until its process is gone.</summary>
    public async Task StopAsync(ServerResource server)
    {
        var commands = _app.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(server, KnownResourceCommands.StopCommand);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{server.Name} did not stop: {result.Message}");
        }
        await _app.Services.GetRequiredService<ResourceNotificationService>()
            .WaitForResourceAsync(server.Name, KnownResourceStates.TerminalStates, CancellationToken.None);
        await Eventually.Until(() => Task.FromResult(LoopbackPorts.IsFree(server.Port)), free => free, TimeSpan.FromSeconds(60), $"port {server.Port} free");
    }

    /// <summary>Starts the server again through Aspire and waits until it answers.</summary>
    public async Task StartAsync(ServerResource server, CancellationToken cancellationToken = default)
    {
        var commands = _app.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(server, KnownResourceCommands.StartCommand, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{server.Name} did not start: {result.Message}");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await _app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync(server.Name, timeout.Token);
    }

    /// <summary>The pid of the server's process, from Aspire's snapshot.</summary>
    public int? Pid(string name) =>
        _latest.TryGetValue(name, out var e) && e.Snapshot.State?.Text == KnownResourceStates.Running
        && e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
        && int.TryParse(value.ToString(), out var pid) ? pid : null;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A server may still hold a file for a moment; the folder is under the temp path.
        }
    }
}
