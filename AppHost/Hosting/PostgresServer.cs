using System.Diagnostics;
using Npgsql;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// PostgreSQL from Debian's packages, run in the foreground as a child. It refuses to run as root, so
/// as root it runs as the <c>postgres</c> user through <c>setpriv</c> (which execs: the tracked pid is
/// the postmaster's). Trust authentication, on 127.0.0.1 only, without a Unix socket.
/// </summary>
public sealed class PostgresServer : Resource
{
    private const string FallbackBinDirectory = "/usr/lib/postgresql/15/bin";
    private static readonly Lazy<string> BinDirectory = new(FindBinDirectory);

    private readonly List<PostgresDatabase> _databases = [];
    private bool _fsyncOff;

    public PostgresServer(ServerOptions options, bool fsyncOff = false) : base(options) => _fsyncOff = fsyncOff;

    public static Task<PostgresServer> StartAsync(ServerOptions options, bool fsyncOff, CancellationToken cancellationToken) =>
        StartNewAsync(new PostgresServer(options, fsyncOff), cancellationToken);

    public override string Url => $"postgresql://127.0.0.1:{Port}";

    public IReadOnlyList<PostgresDatabase> Databases => _databases;

    /// <summary>The cluster's folder (PGDATA), inside the data directory.</summary>
    public string PgData => Path.Combine(DataDirectory, "pgdata");

    /// <summary>Fast shutdown: disconnect clients, checkpoint, exit.</summary>
    protected override int StopSignal => Posix.SigInt;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    /// <summary>Declares a database, created once the server is healthy.</summary>
    public PostgresDatabase AddDatabase(string name)
    {
        var database = new PostgresDatabase(name, this);
        _databases.Add(database);
        return database;
    }

    /// <summary>
    /// Trades durability for speed (<c>fsync=off</c>): for throwaway test clusters only, a crash of
    /// the machine may corrupt them. Takes effect at the next start.
    /// </summary>
    public PostgresServer WithFsyncOff()
    {
        _fsyncOff = true;
        return this;
    }

    /// <summary>Creates the database unless it exists.</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }
        var quoted = "\"" + name.Replace("\"", "\"\"") + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (Posix.IsRoot)
        {
            MakeTraversable(DataDirectory);
        }
        if (!File.Exists(Path.Combine(PgData, "PG_VERSION")))
        {
            // Empty, or left half-made by an interrupted initdb: start over.
            if (Directory.Exists(PgData))
            {
                Directory.Delete(PgData, recursive: true);
            }
            Directory.CreateDirectory(PgData);
            if (Posix.IsRoot)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", PgData], cancellationToken);
            }
            var initdb = AsPostgres(Path.Combine(BinDirectory.Value, "initdb"),
                ["-D", PgData, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]);
            await RunAsync(initdb.FileName, initdb.ArgumentList, cancellationToken);
        }
        RemoveStalePidFile();
    }

    protected override ProcessStartInfo CreateStartInfo()
    {
        var args = new List<string>
        {
            "-D", PgData, "-p", Port.ToString(),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "max_connections=200",
        };
        if (_fsyncOff)
        {
            args.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }
        return AsPostgres(Path.Combine(BinDirectory.Value, "postgres"), args);
    }

    protected override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false;Timeout=2");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is 1;
    }

    protected override async Task AfterHealthyAsync(CancellationToken cancellationToken)
    {
        foreach (var database in _databases)
        {
            await CreateDatabaseAsync(database.Name, cancellationToken);
        }
    }

    /// <summary>
    /// A killed postmaster leaves postmaster.pid behind; PostgreSQL refuses to start while the pid in
    /// it belongs to any live process (as it may after a reboot, to the system's own PostgreSQL), so it
    /// goes unless that process is a postgres serving this very data folder.
    /// </summary>
    private void RemoveStalePidFile()
    {
        var pidFile = Path.Combine(PgData, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }
        var first = File.ReadLines(pidFile).FirstOrDefault();
        var alive = int.TryParse(first, out var pid) && Posix.IsAlive(pid)
            && Posix.CommandLine(pid) is { } command && command.Contains("postgres", StringComparison.Ordinal)
            && command.Contains(PgData, StringComparison.Ordinal);
        if (!alive)
        {
            Log.Write($"--- removing stale {pidFile} (pid {first})");
            File.Delete(pidFile);
        }
    }

    private static ProcessStartInfo AsPostgres(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Posix.IsRoot ? "setpriv" : program);
        if (Posix.IsRoot)
        {
            foreach (var a in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--", program })
            {
                start.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["LC_ALL"] = "C.UTF-8";
        return start;
    }

    /// <summary>Debian keeps PostgreSQL's programs out of PATH; <c>pg_config</c> knows where they are.</summary>
    private static string FindBinDirectory()
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
        return File.Exists(Path.Combine(FallbackBinDirectory, "postgres"))
            ? FallbackBinDirectory
            : throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql).");
    }

    /// <summary>
    /// The postgres user must reach its data folder through every parent; temporary folders are often
    /// 0700. Only the search (x) permission is added, never read.
    /// </summary>
    private void MakeTraversable(string directory)
    {
        Directory.CreateDirectory(directory);
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var mode = dir.UnixFileMode;
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                Log.Write($"--- chmod o+x {dir.FullName} (so that the postgres user can reach {directory})");
                dir.UnixFileMode = mode | UnixFileMode.OtherExecute;
            }
        }
    }

    private async Task RunAsync(string program, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var list = args.ToList();
        var code = await ChildProcess.RunAsync(program, list, Log, cancellationToken,
            new Dictionary<string, string> { ["LC_ALL"] = "C.UTF-8" });
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', list)} failed with code {code}:{Environment.NewLine}{Log.Tail()}");
        }
    }
}
