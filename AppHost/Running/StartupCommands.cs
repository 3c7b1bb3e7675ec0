using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

namespace PocDirectory.AppHost;

/// <summary>A run of <see cref="Project"/>'s program with <see cref="Args"/> once everything runs.</summary>
public sealed record StartupCommand(string Name, ProjectResource Project, IReadOnlyList<string> Args);

/// <summary>
/// Commands of the services' own programs (their administrative modes, as <c>--demo</c> uses), run to
/// their end in the order added, with the service's configuration, once every resource is Running.
/// A failure stops everything with exit code 1.
/// </summary>
public sealed class StartupCommands(AppHostOptions options, LocalRuntimeSettings settings, ResourceTable table,
    DistributedApplicationExecutionContext executionContext, IHostApplicationLifetime lifetime) : ResourceWatcher
{
    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        if (settings.Commands.Count == 0)
        {
            return;
        }
        try
        {
            await table.AllRunning.WaitAsync(stoppingToken);
            foreach (var command in settings.Commands)
            {
                await RunAsync(command, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Terminal.WriteLine($"[apphost] Start-up failed: {ex.Message}", error: true);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private async Task RunAsync(StartupCommand command, CancellationToken cancellationToken)
    {
        var metadata = command.Project.GetProjectMetadata();
        var assembly = Path.Combine(Path.GetDirectoryName(metadata.ProjectPath)!, "bin", options.Configuration, "net10.0",
            Path.GetFileNameWithoutExtension(metadata.ProjectPath) + ".dll");
        Terminal.WriteLine($"[apphost] {command.Name}: running {Path.GetFileNameWithoutExtension(assembly)} {string.Join(' ', command.Args)}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(metadata.ProjectPath)! };
        start.ArgumentList.Add(assembly);
        foreach (var arg in command.Args)
        {
            start.ArgumentList.Add(arg);
        }
        var configuration = await ExecutionConfigurationBuilder.Create(command.Project).WithEnvironmentVariablesConfig()
            .BuildAsync(executionContext, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, cancellationToken);
        foreach (var (key, value) in configuration.EnvironmentVariables)
        {
            start.Environment[key] = value;
        }
        await using var log = new StreamWriter(Path.Combine(options.LogDirectory, command.Name + ".log"), append: true) { AutoFlush = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command.Name} did not start.");
        async Task Pump(StreamReader reader, bool error)
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                lock (log)
                {
                    log.WriteLine(line);
                }
                // A few lines, and what they say (done, or refused) matters: always on the console too.
                Terminal.WriteLine(line, prefix: $"{command.Name} | ", color: ConsoleColor.White, error: error);
            }
        }
        await Task.WhenAll(Pump(process.StandardOutput, false), Pump(process.StandardError, true), process.WaitForExitAsync(cancellationToken));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command.Name} ended with exit code {process.ExitCode} (its output: {Path.Combine(options.LogDirectory, command.Name + ".log")}).");
        }
    }
}
