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
        string name, int port, string dataDirectory, bool fsyncOff = false, int maxConnections = 200)
    {
        var postgres = Path.Combine(BinDirectory(), "postgres");
        var server = new PostgresServerResource(name, Posix.IsRoot ? "/usr/bin/setpriv" : postgres, dataDirectory, port,
            ServerPasswords.Add(builder, $"{name}-superuser-password"));
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
                    "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", $"max_connections={maxConnections}",
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

    /// <summary>
    /// A database owned by the role <paramref name="owner"/> (the database's name unless given), with the password
    /// <c>{server}-{owner}-password</c>. Its health check signs in as the owner; until that works (first start,
    /// a changed password, a database from before roles) it makes the role, the database, gives the role everything
    /// in it and takes the right to connect from everyone else.
    /// </summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server,
        string name, string? owner = null, string? databaseName = null)
    {
        owner ??= name;
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource, owner,
            ServerPasswords.Add(server.ApplicationBuilder, $"{server.Resource.Name}-{ServerLoginResource.ValidUser(owner)}-password"));
        server.Resource.Databases.Add(database);
        var healthCheck = AddProvisioningCheck(server.ApplicationBuilder, $"{name}_exists", ct => IsProvisionedAsync(database, ct), ct => ProvisionAsync(database, ct),
            $"{database.DatabaseName} is not yet owned by {database.Owner} alone");
        return server.ApplicationBuilder.AddResource(database)
            .WithHealthCheck(healthCheck)
            .WithManifestPublishingCallback(context => ServerBuilderExtensions.WriteSecretConnectionString(context, name));
    }

    /// <summary>
    /// Debian's PostgreSQL exporter, <c>{server}-exporter</c> on <paramref name="port"/>, scraped under the server's name. It
    /// signs in as the role <c>monitoring</c> (password <c>{server}-monitoring-password</c>), which holds <c>pg_monitor</c>
    /// and may enter the maintenance database only; the role is made by its resource's health check once the server
    /// answers, and the exporter waits for it.
    /// </summary>
    public static IResourceBuilder<ExporterResource> AddExporter(this IResourceBuilder<PostgresServerResource> server, int port)
    {
        var builder = server.ApplicationBuilder;
        var name = server.Resource.Name;
        var login = new PostgresMonitoringLoginResource($"{name}-monitoring", server.Resource, "monitoring",
            ServerPasswords.Add(builder, $"{name}-monitoring-password"));
        server.Resource.MonitoringLogin = login;
        var healthCheck = AddProvisioningCheck(builder, $"{login.Name}_exists", ct => IsMonitoringAsync(login, ct), ct => ProvisionAsync(login, ct),
            $"{login.User} does not hold pg_monitor alone (another role granted to it?)");
        var loginResource = builder.AddResource(login).WithHealthCheck(healthCheck).ExcludeFromManifest();
        var exporter = new ExporterResource($"{name}-exporter", ServerBuilderExtensions.Which("prometheus-postgres-exporter"),
            Path.Combine(server.Resource.DataDirectory, "..", $"{name}-exporter"), port, server.Resource);
        return builder.AddServer(exporter, "http", (e, ct) => Probes.HttpOkAsync(e.Url, ct))
            .WithArgs($"--web.listen-address=127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "--log.level=warn")
            .WithEnvironment("DATA_SOURCE_URI", $"127.0.0.1:{server.Resource.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{PostgresMonitoringLoginResource.Database}?sslmode=disable")
            .WithEnvironment("DATA_SOURCE_USER", login.User)
            .WithEnvironment("DATA_SOURCE_PASS", ReferenceExpression.Create($"{login.Password.Parameter}"))
            .WithAnnotation(new ScrapeTargetAnnotation(name, port))
            .WaitFor(loginResource)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// A health check that provisions until it holds: when <paramref name="isReady"/> is false it runs
    /// <paramref name="provision"/> (which may be repeated) and asks again; unhealthy with <paramref name="notYet"/> or
    /// the server's refusal until then. Returns the check's name.
    /// </summary>
    private static string AddProvisioningCheck(IDistributedApplicationBuilder builder, string name, Func<CancellationToken, Task<bool>> isReady,
        Func<CancellationToken, Task> provision, string notYet)
    {
        builder.Services.AddHealthChecks().AddAsyncCheck(name, async cancellationToken =>
        {
            try
            {
                if (!await isReady(cancellationToken))
                {
                    await provision(cancellationToken);
                }
                return await isReady(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(notYet);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });
        return name;
    }

    private static async Task<bool> IsMonitoringAsync(PostgresMonitoringLoginResource login, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(
                login.Parent.LocalConnectionString(login.User, login.Password, PostgresMonitoringLoginResource.Database), cancellationToken);
            // pg_monitor, and no other role granted to it directly, nor superuser or row-level-security bypass.
            await using var command = new NpgsqlCommand(
                "SELECT pg_has_role(current_user, 'pg_monitor', 'MEMBER') AND NOT r.rolsuper AND NOT r.rolbypassrls "
                + "AND NOT EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid AND m.roleid <> 'pg_monitor'::regrole) "
                + "FROM pg_roles r WHERE r.rolname = current_user", connection);
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword)
        {
            return false; // no such role yet, or its password changed: provisioning sets it (a missing pg_hba.conf line is not, and is said)
        }
    }

    /// <summary>As the superuser: the role (its password sent as a SCRAM verifier only) with pg_monitor and no other right.</summary>
    private static async Task ProvisionAsync(PostgresMonitoringLoginResource login, CancellationToken cancellationToken)
    {
        await using var admin = await OpenAsync(login.Parent.LocalConnectionString("postgres"), cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = @name", admin))
        {
            exists.Parameters.AddWithValue("name", login.User);
            var verb = await exists.ExecuteScalarAsync(cancellationToken) is null ? "CREATE" : "ALTER";
            await ExecuteAsync(admin, $"{verb} ROLE {Quote(login.User)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                + $"PASSWORD '{ScramSha256.Verifier(login.Password.LocalValue)}'", cancellationToken);
        }
        await ExecuteAsync(admin, $"GRANT pg_monitor TO {Quote(login.User)}", cancellationToken);
    }

    /// <summary>Creates the database unless it exists, owned by <paramref name="owner"/> (the superuser unless given).</summary>
    public static async Task CreateDatabaseAsync(PostgresServerResource server, string name, CancellationToken cancellationToken = default,
        string? owner = null)
    {
        await using var connection = await OpenAsync(server.LocalConnectionString("postgres"), cancellationToken);
        await CreateDatabaseAsync(connection, name, owner, cancellationToken);
    }

    private static async Task CreateDatabaseAsync(NpgsqlConnection admin, string name, string? owner, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }
        await using var create = new NpgsqlCommand($"CREATE DATABASE {Quote(name)}{(owner is null ? "" : $" OWNER {Quote(owner)}")}", admin);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // made meanwhile by another check
        }
    }

    /// <summary>The owner signs in, owns the database, and no one else (PUBLIC) may connect to it.</summary>
    private static async Task<bool> IsProvisionedAsync(PostgresDatabaseResource database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(database.LocalConnectionString(), cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT d.datdba = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND NOT has_database_privilege('public', d.oid, 'CONNECT') "
                + "FROM pg_database d WHERE d.datname = current_database()", connection);
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification
                                           or PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.InsufficientPrivilege)
        {
            return false;
        }
    }

    /// <summary>
    /// As the superuser: the role (its password sent as a SCRAM verifier only), the database, every object in it
    /// handed from the superuser to the role (a database from before roles), and CONNECT taken from PUBLIC.
    /// Each step may be repeated: a provisioning cut short is finished by the next check.
    /// </summary>
    private static async Task ProvisionAsync(PostgresDatabaseResource database, CancellationToken cancellationToken)
    {
        var server = database.Parent;
        var owner = Quote(database.Owner);
        var verifier = ScramSha256.Verifier(database.OwnerPassword.LocalValue);
        var name = Quote(database.DatabaseName);
        // Every step as the superuser runs in the maintenance database, which the role cannot reach.
        await using var admin = await OpenAsync(server.LocalConnectionString("postgres"), cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = @name", admin))
        {
            exists.Parameters.AddWithValue("name", database.Owner);
            var verb = await exists.ExecuteScalarAsync(cancellationToken) is null ? "CREATE" : "ALTER";
            await ExecuteAsync(admin, $"{verb} ROLE {owner} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '{verifier}'", cancellationToken);
        }
        await CreateDatabaseAsync(admin, database.DatabaseName, database.Owner, cancellationToken);
        // A database made before roles is handed over once, while the superuser still owns it; the superuser never
        // enters a database its role already owns (whatever the role put there cannot run as the superuser).
        await using (var owns = new NpgsqlCommand("SELECT pg_get_userbyid(datdba) = current_user FROM pg_database WHERE datname = @name", admin))
        {
            owns.Parameters.AddWithValue("name", database.DatabaseName);
            if (await owns.ExecuteScalarAsync(cancellationToken) is true)
            {
                await HandOverAsync(server, database, cancellationToken);
            }
        }
        await ExecuteAsync(admin, $"ALTER DATABASE {name} OWNER TO {owner}; REVOKE ALL ON DATABASE {name} FROM PUBLIC", cancellationToken);
    }

    private static async Task HandOverAsync(PostgresServerResource server, PostgresDatabaseResource database, CancellationToken cancellationToken)
    {
        await using var inside = await OpenAsync(server.LocalConnectionString(database.DatabaseName), cancellationToken);
        await using var list = new NpgsqlCommand(HandOverStatements, inside);
        list.Parameters.AddWithValue("owner", database.Owner);
        var statements = new List<string>();
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                statements.Add(reader.GetString(0));
            }
        }
        foreach (var statement in statements)
        {
            await ExecuteAsync(inside, statement, cancellationToken);
        }
    }

    /// <summary>
    /// The ALTER … OWNER statements that hand the superuser's objects in a database to the owner: schemas, tables,
    /// views and sequences of their own (those of a column move with its table), functions and types.
    /// </summary>
    private const string HandOverStatements = """
        WITH me AS (SELECT oid FROM pg_roles WHERE rolname = current_user),
        mine AS (SELECT oid, nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema')
        SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, @owner) FROM pg_namespace n JOIN mine USING (oid)
          WHERE n.nspowner = (SELECT oid FROM me)
        UNION ALL
        SELECT format('ALTER %s %s OWNER TO %I',
                 CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                   WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.oid::regclass, @owner)
          FROM pg_class c JOIN mine ON mine.oid = c.relnamespace
          WHERE c.relowner = (SELECT oid FROM me) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
            AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                     AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
        UNION ALL
        SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, @owner)
          FROM pg_proc p JOIN mine ON mine.oid = p.pronamespace WHERE p.proowner = (SELECT oid FROM me)
        UNION ALL
        SELECT format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, @owner)
          FROM pg_type t JOIN mine ON mine.oid = t.typnamespace
          WHERE t.typowner = (SELECT oid FROM me)
            AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
        """;

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        // The search path pinned to the catalog: inside a database a role owns, the superuser must not resolve
        // a name (format, an operator) to a function the role planted in a schema of its own.
        var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=5;Options=-c search_path=pg_catalog,pg_temp");
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

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
            // Trust only until the lines below replace it, before the server first starts.
            await RunAsPostgresAsync([Path.Combine(BinDirectory(), "initdb"), "-D", server.PgData, "--auth=trust", "-U", PostgresServerResource.Superuser,
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"], cancellationToken);
        }
        RemoveStalePidFile(server.PgData);
        // Every login by password, from loopback only (there is no Unix socket), and each role to its own database
        // alone: the superuser anywhere. A cluster from before passwords is closed the same way. The superuser's
        // password is set on every start, in single-user mode (nothing listens), as a verifier: the state folder's
        // secret is the one that works, even after it changed.
        var hba = Path.Combine(server.PgData, "pg_hba.conf");
        var lines = new List<string>
        {
            "# Written by the AppHost before every start.",
            "# TYPE  DATABASE  USER  ADDRESS  METHOD",
            $"host all {PostgresServerResource.Superuser} 127.0.0.1/32 scram-sha-256",
        };
        lines.AddRange(server.Databases.Select(d => $"host \"{d.DatabaseName}\" \"{d.Owner}\" 127.0.0.1/32 scram-sha-256"));
        if (server.MonitoringLogin is { } monitoring)
        {
            lines.Add($"host {PostgresMonitoringLoginResource.Database} \"{monitoring.User}\" 127.0.0.1/32 scram-sha-256");
        }
        SecretFiles.WritePrivate(hba, string.Join('\n', lines) + "\n");
        if (Posix.IsRoot)
        {
            await Commands.RunAsync("chown", ["postgres:postgres", hba], cancellationToken);
        }
        var output = await RunAsPostgresAsync([Path.Combine(BinDirectory(), "postgres"), "--single", "-D", server.PgData, "-c", "listen_addresses=",
                "-c", "unix_socket_directories=", "postgres"], cancellationToken,
            $"ALTER ROLE {PostgresServerResource.Superuser} PASSWORD '{ScramSha256.Verifier(server.SuperuserPassword.LocalValue)}';\n");
        if (output.Contains("ERROR:", StringComparison.Ordinal) || output.Contains("FATAL:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Setting the superuser's password failed: {output}");
        }
    }

    /// <summary>A PostgreSQL program, as the <c>postgres</c> user when running as root (PostgreSQL refuses root).</summary>
    private static Task<string> RunAsPostgresAsync(string[] command, CancellationToken cancellationToken, string? input = null) => Posix.IsRoot
        ? Commands.RunAsync("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", .. command], cancellationToken, input: input)
        : Commands.RunAsync(command[0], command[1..], cancellationToken, input: input);

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
