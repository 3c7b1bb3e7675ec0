using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using PocDirectory.AppHost;

namespace Aspire.Hosting;

public static class PostgresServerBuilderExtensions
{
    private const string FallbackBinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>
    /// PostgreSQL from Debian's packages as an executable. It refuses to run as root, so as root it runs
    /// as the <c>postgres</c> user through <c>setpriv</c>, which execs: the resource's pid is the
    /// postmaster's. The cluster is made by initdb on first start.
    /// </summary>
    /// <param name="fsyncOff">Trades durability for speed: for throwaway test clusters only.</param>
    public static IResourceBuilder<PostgresServerResource> AddPostgresServer(this IDistributedApplicationBuilder builder,
        string name, int port, string dataDirectory, bool fsyncOff = false)
    {
        var postgres = Path.Combine(BinDirectory(), "postgres");
        var server = new PostgresServerResource(name, Posix.IsRoot ? "/usr/bin/setpriv" : postgres, dataDirectory, port);
        // Aspire passes a parent's state on to its children only for containers: the databases get the server's here.
        builder.Eventing.Subscribe<BeforeStartEvent>((e, cancellationToken) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var stopping = e.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => PassStateToDatabasesAsync(server, e.Model, notifications, stopping), CancellationToken.None);
            return Task.CompletedTask;
        });
        return builder.AddServer(server, "tcp", IsHealthyAsync, PrepareAsync)
            .WithArgs(context =>
            {
                if (Posix.IsRoot)
                {
                    context.Args.Add("--reuid=postgres");
                    context.Args.Add("--regid=postgres");
                    context.Args.Add("--init-groups");
                    context.Args.Add("--");
                    context.Args.Add(postgres);
                }
                foreach (var arg in new[]
                {
                    "-D", server.PgData, "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200",
                })
                {
                    context.Args.Add(arg);
                }
                if (fsyncOff)
                {
                    foreach (var arg in new[] { "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off" })
                    {
                        context.Args.Add(arg);
                    }
                }
            })
            .WithEnvironment("LC_ALL", "C.UTF-8");
    }

    private static async Task PassStateToDatabasesAsync(PostgresServerResource server, DistributedApplicationModel model,
        ResourceNotificationService notifications, CancellationToken stoppingToken)
    {
        var databases = model.Resources.OfType<PostgresDatabaseResource>().Where(d => d.Parent == server).ToList();
        try
        {
            await foreach (var resourceEvent in notifications.WatchAsync(stoppingToken))
            {
                if (resourceEvent.Resource != server)
                {
                    continue;
                }
                var snapshot = resourceEvent.Snapshot;
                foreach (var database in databases)
                {
                    await notifications.PublishUpdateAsync(database, s => s with
                    {
                        State = snapshot.State,
                        StartTimeStamp = snapshot.StartTimeStamp,
                        StopTimeStamp = snapshot.StopTimeStamp,
                    });
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>A database, created (unless it exists) by its health check once the server answers.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server,
        string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        var healthCheck = $"{name}_exists";
        server.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, async cancellationToken =>
        {
            try
            {
                await CreateDatabaseAsync(server.Resource, database.DatabaseName, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });
        return server.ApplicationBuilder.AddResource(database)
            .WithHealthCheck(healthCheck)
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(database);
            });
    }

    /// <summary>Creates the database unless it exists.</summary>
    public static async Task CreateDatabaseAsync(PostgresServerResource server, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(server.LocalConnectionString("postgres") + ";Pooling=false;Timeout=5");
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // made meanwhile by another check
        }
    }

    private static async Task<bool> IsHealthyAsync(PostgresServerResource server, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.LocalConnectionString("postgres") + ";Pooling=false;Timeout=2");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is 1;
    }

    private static async Task PrepareAsync(PostgresServerResource server, CancellationToken cancellationToken)
    {
        if (Posix.IsRoot)
        {
            MakeTraversable(server.DataDirectory);
        }
        if (!File.Exists(Path.Combine(server.PgData, "PG_VERSION")))
        {
            // Empty, or left half-made by an interrupted initdb: start over.
            if (Directory.Exists(server.PgData))
            {
                Directory.Delete(server.PgData, recursive: true);
            }
            Directory.CreateDirectory(server.PgData);
            if (Posix.IsRoot)
            {
                await Commands.RunAsync("chown", ["-R", "postgres:postgres", server.PgData], cancellationToken);
            }
            string[] initdb = [Path.Combine(BinDirectory(), "initdb"), "-D", server.PgData, "--auth=trust", "-U", "postgres",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"];
            await (Posix.IsRoot
                ? Commands.RunAsync("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", .. initdb], cancellationToken)
                : Commands.RunAsync(initdb[0], initdb[1..], cancellationToken));
        }
        RemoveStalePidFile(server.PgData);
    }

    /// <summary>
    /// A killed postmaster leaves postmaster.pid behind; PostgreSQL refuses to start while the pid in
    /// it belongs to any live process (as it may after a reboot), so it goes unless that process is a
    /// postgres serving this very data folder.
    /// </summary>
    private static void RemoveStalePidFile(string pgData)
    {
        var pidFile = Path.Combine(pgData, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }
        var first = File.ReadLines(pidFile).FirstOrDefault();
        var alive = int.TryParse(first, out var pid) && Posix.IsRunning(pid)
            && Posix.CommandLine(pid) is { } command && command.Contains("postgres", StringComparison.Ordinal)
            && command.Contains(pgData, StringComparison.Ordinal);
        if (!alive)
        {
            File.Delete(pidFile);
        }
    }

    /// <summary>Debian keeps PostgreSQL's programs out of PATH; <c>pg_config</c> knows where they are.</summary>
    private static string BinDirectory()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is not null)
            {
                var dir = process.StandardOutput.ReadToEnd().Trim();
                process.WaitForExit();
                if (process.ExitCode == 0 && File.Exists(Path.Combine(dir, "postgres")))
                {
                    return dir;
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // pg_config is in libpq-dev or postgresql-common; fall back to the known place
        }
        return FallbackBinDirectory;
    }

    /// <summary>
    /// The postgres user must reach its data folder through every parent; temporary folders are often
    /// 0700. Only the search (x) permission is added, never read.
    /// </summary>
    private static void MakeTraversable(string directory)
    {
        Directory.CreateDirectory(directory);
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if (!dir.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                dir.UnixFileMode |= UnixFileMode.OtherExecute;
            }
        }
    }
}
