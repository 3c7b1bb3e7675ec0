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
    private readonly bool _fsyncOff;
    private readonly List<PostgresDatabase> _databases = [];

    public PostgresServer(ServerOptions options, bool fsyncOff = false) : base(options) => _fsyncOff = fsyncOff;

    public static Task<PostgresServer> StartAsync(ServerOptions options, bool fsyncOff, CancellationToken cancellationToken) =>
        StartNewAsync(new PostgresServer(options, fsyncOff), cancellationToken);

    public override string Url => $"postgresql://127.0.0.1:{Port}";

    public IReadOnlyList<PostgresDatabase> Databases => _databases;

    private string PgData => Path.Combine(DataDirectory, "pgdata");

    private static bool IsRoot => Environment.UserName == "root";

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
        if (IsRoot)
        {
            MakeTraversable(DataDirectory);
        }
        if (!File.Exists(Path.Combine(PgData, "PG_VERSION")))
        {
            Directory.CreateDirectory(PgData);
            if (IsRoot)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", PgData], cancellationToken);
            }
            await RunAsync(AsPostgres(Binary("initdb"),
                ["-D", PgData, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]), cancellationToken);
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
            // Throwaway test clusters only: a crash of the machine may lose them.
            args.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }
        return AsPostgres(Binary("postgres"), args);
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

    private void RemoveStalePidFile()
    {
        var pidFile = Path.Combine(PgData, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }
        var first = File.ReadLines(pidFile).FirstOrDefault();
        if (!int.TryParse(first, out var pid) || !Posix.IsAlive(pid))
        {
            File.Delete(pidFile); // left by a killed postmaster
        }
    }

    private static ProcessStartInfo AsPostgres(string program, IEnumerable<string> args)
    {
        var start = IsRoot ? new ProcessStartInfo("setpriv") : new ProcessStartInfo(program);
        if (IsRoot)
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

    /// <summary>The newest installed PostgreSQL's binaries (Debian keeps them out of PATH).</summary>
    private static string Binary(string name)
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin is null
            ? throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql).")
            : Path.Combine(bin, name);
    }

    /// <summary>The postgres user must be able to reach its data folder through every parent.</summary>
    private static void MakeTraversable(string directory)
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
                dir.UnixFileMode = mode | UnixFileMode.OtherExecute;
            }
        }
    }

    private Task RunAsync(string program, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        return RunAsync(start, cancellationToken);
    }

    private async Task RunAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        using var process = ChildProcess.Start(start, Log);
        var code = await process.Exited.WaitAsync(cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed with code {code}:{Environment.NewLine}{Log.Tail()}");
        }
    }
}

/// <summary>A database inside a <see cref="PostgresServer"/>; its state is the server's.</summary>
public sealed class PostgresDatabase(string name, PostgresServer server) : IResourceWithConnectionString
{
    public string Name { get; } = name;

    public PostgresServer Server { get; } = server;

    public Resource Owner => Server;

    public ResourceState State => Server.State;

    public int? Pid => null;

    public string? Url => null;

    public string ConnectionString => Server.ConnectionString(Name);
}
