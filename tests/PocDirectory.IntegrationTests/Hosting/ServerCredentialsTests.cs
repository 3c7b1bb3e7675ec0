using System.Net;
using System.Net.Http.Headers;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PocDirectory.AppHost;
using PocDirectory.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using StackExchange.Redis;

namespace PocDirectory.IntegrationTests.Hosting;

/// <summary>
/// Nobody reaches a server without a password, and each client reaches only what is its own: a PostgreSQL role per
/// database, a RabbitMQ user per service (no guest), a Redis user per client (the default user off).
/// </summary>
public sealed class ServerCredentialsTests
{
    [Fact]
    public async Task Each_database_is_reached_only_by_its_own_role_with_its_password()
    {
        await using var app = await ServerApp.StartAsync((builder, root) =>
        {
            var postgres = builder.AddPostgresServer("postgres", LoopbackPorts.GetFreePort(), Path.Combine(root, "postgres"), fsyncOff: true);
            postgres.AddDatabase("alphadb", owner: "alpha");
            postgres.AddDatabase("betadb", owner: "beta");
        });
        await HealthyAsync(app, "alphadb", "betadb");
        var alpha = app.Resource<PostgresDatabaseResource>("alphadb");
        var beta = app.Resource<PostgresDatabaseResource>("betadb");

        Assert.Equal("alpha", await ScalarAsync(alpha.LocalConnectionString(), "CREATE TABLE t (id int); SELECT current_user::text"));
        var crossing = await Assert.ThrowsAsync<PostgresException>(() =>
            ScalarAsync(alpha.LocalConnectionString().Replace("Database=alphadb", "Database=betadb", StringComparison.Ordinal), "SELECT 1"));
        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, crossing.SqlState); // no pg_hba.conf line lets it
        var maintenance = await Assert.ThrowsAsync<PostgresException>(() =>
            ScalarAsync(alpha.LocalConnectionString().Replace("Database=alphadb", "Database=postgres", StringComparison.Ordinal), "SELECT 1"));
        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, maintenance.SqlState);
        var wrong = await Assert.ThrowsAsync<PostgresException>(() =>
            ScalarAsync(beta.LocalConnectionString().Replace(beta.OwnerPassword.LocalValue, "not-the-password", StringComparison.Ordinal), "SELECT 1"));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, wrong.SqlState);
        // Not even the superuser gets in without its password: loopback is no longer trusted.
        var port = app.Resource<PostgresServerResource>("postgres").Port;
        var bare = await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", "SELECT 1"));
        Assert.Contains("password", bare.Message, StringComparison.OrdinalIgnoreCase);
        // The roles are no more than owners.
        Assert.Equal(false, await ScalarAsync(alpha.LocalConnectionString(), "SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = current_user"));
    }

    [Fact]
    public async Task A_database_made_before_roles_is_handed_to_its_role_whole_and_a_changed_superuser_password_takes_over()
    {
        var data = System.IO.Directory.CreateTempSubdirectory("pocdir-it-legacy-").FullName;
        var folder = Path.Combine(data, "postgres");
        try
        {
            var port = LoopbackPorts.GetFreePort();
            await using (var before = await ServerApp.StartAsync((builder, _) => builder.AddPostgresServer("postgres", port, folder, fsyncOff: true)))
            {
                var postgres = before.Resource<PostgresServerResource>("postgres");
                await PostgresServerBuilderExtensions.CreateDatabaseAsync(postgres, "legacydb");
                await ScalarAsync(postgres.LocalConnectionString("legacydb"), """
                    CREATE SCHEMA archive;
                    CREATE TABLE nominations (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
                    CREATE TABLE archive.old (id serial PRIMARY KEY);
                    CREATE SEQUENCE numbers;
                    CREATE VIEW names AS SELECT name FROM nominations;
                    CREATE TYPE state AS ENUM ('draft', 'listed');
                    CREATE FUNCTION no_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;
                    INSERT INTO nominations (name) VALUES ('kept');
                    SELECT 1
                    """);
            }

            // A new process: a new superuser password (as after a lost secrets folder), and the database now has an owner.
            await using var after = await ServerApp.StartAsync((builder, _) =>
                builder.AddPostgresServer("postgres", port, folder, fsyncOff: true).AddDatabase("legacydb", owner: "legacy"));
            await HealthyAsync(after, "legacydb");
            var database = after.Resource<PostgresDatabaseResource>("legacydb");

            Assert.Equal("kept", await ScalarAsync(database.LocalConnectionString(), "SELECT name FROM nominations"));
            // Every object is the role's: it can change and drop what it owns.
            Assert.Equal(0L, await ScalarAsync(database.LocalConnectionString(), """
                SELECT count(*) FROM (
                  SELECT relowner AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'archive')
                  UNION ALL SELECT proowner FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
                  UNION ALL SELECT typowner FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'
                  UNION ALL SELECT nspowner FROM pg_namespace WHERE nspname = 'archive'
                ) o WHERE owner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
                """));
            await ScalarAsync(database.LocalConnectionString(), """
                INSERT INTO nominations (name) VALUES ('new'); SELECT nextval('numbers'); ALTER TYPE state ADD VALUE 'withdrawn';
                DROP VIEW names; DROP FUNCTION no_update(); DROP TABLE archive.old; SELECT 1
                """);
            Assert.Equal(false, await ScalarAsync(database.LocalConnectionString(),
                "SELECT has_database_privilege('public', current_database(), 'CONNECT')"));

            // The role cannot lure the superuser into running its code: a function shadowing one of the catalog's in
            // its own schema, then a reason to provision again (its own password changed), leaves the role a role.
            await ScalarAsync(database.LocalConnectionString(), """
                CREATE FUNCTION public.format(text, name, text) RETURNS text LANGUAGE sql AS $$ SELECT 'ALTER ROLE legacy SUPERUSER' $$;
                CREATE FUNCTION public.pg_get_userbyid(oid) RETURNS name LANGUAGE sql AS $$ SELECT current_user $$;
                ALTER ROLE legacy PASSWORD 'changed-by-the-role';
                SELECT 1
                """);
            var checks = after.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>();
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
                (await checks.CheckHealthAsync(c => c.Name == "legacydb_exists")).Status);
            Assert.Equal(false, await ScalarAsync(database.LocalConnectionString(), "SELECT rolsuper FROM pg_roles WHERE rolname = 'legacy'"));
        }
        finally
        {
            System.IO.Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task The_broker_has_no_guest_and_each_service_signs_in_as_itself_and_the_operator_runs_the_management_UI()
    {
        await using var app = await ServerApp.StartAsync((builder, root) =>
        {
            var broker = builder.AddRabbitMQServer("rabbitmq", LoopbackPorts.GetFreePort(), LoopbackPorts.GetFreePort(), LoopbackPorts.GetFreePort(),
                    Path.Combine(root, "rabbitmq"))
                .WithManagementPlugin(LoopbackPorts.GetFreePort());
            broker.AddLogin("directory");
        });
        var rabbit = app.Resource<RabbitMQServerResource>("rabbitmq");
        var directory = app.Resource<ServerLoginResource>("rabbitmq-directory");

        await using (var connection = await new ConnectionFactory { Uri = new Uri($"amqp://directory:{directory.Password.LocalValue}@127.0.0.1:{rabbit.Port}/") }
                         .CreateConnectionAsync())
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeclareAsync("directory-work", durable: false, exclusive: false, autoDelete: true);
        }
        await Assert.ThrowsAsync<BrokerUnreachableException>(() =>
            new ConnectionFactory { Uri = new Uri($"amqp://guest:guest@127.0.0.1:{rabbit.Port}/") }.CreateConnectionAsync());
        await Assert.ThrowsAsync<BrokerUnreachableException>(() =>
            new ConnectionFactory { Uri = new Uri($"amqp://directory:wrong@127.0.0.1:{rabbit.Port}/") }.CreateConnectionAsync());

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{rabbit.ManagementPort}/") };
        http.DefaultRequestHeaders.Authorization = Basic("operator", rabbit.AdminPassword.LocalValue);
        var users = await http.GetStringAsync("/api/users");
        Assert.Contains("\"directory\"", users, StringComparison.Ordinal);
        Assert.DoesNotContain("\"guest\"", users, StringComparison.Ordinal);
        // A service's user is no administrator.
        using var asService = new HttpRequestMessage(HttpMethod.Get, "/api/users");
        asService.Headers.Authorization = Basic("directory", directory.Password.LocalValue);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(asService)).StatusCode);

        // A node made before users were defined: its guest goes at the next start.
        await RabbitCtlAsync(rabbit, "add_user", "guest", "guest");
        File.Delete(Path.Combine(rabbit.DataDirectory, "guest-removed"));
        await app.StopAsync(rabbit);
        await app.StartAsync(rabbit);
        Assert.DoesNotContain("\"guest\"", await http.GetStringAsync("/api/users"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_refuses_anyone_without_a_password_and_a_client_cannot_administer_or_wipe_it()
    {
        await using var app = await ServerApp.StartAsync((builder, root) =>
            builder.AddRedisServer("cache", LoopbackPorts.GetFreePort(), Path.Combine(root, "cache")).AddLogin("web"));
        var redis = app.Resource<RedisServerResource>("cache");
        var web = app.Resource<ServerLoginResource>("cache-web");

        var anonymous = await Probes.ExchangeAsync(redis.Port, "PING\r\n"u8.ToArray(), CancellationToken.None);
        Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(anonymous), StringComparison.Ordinal);

        await using var client = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},user=web,password={web.Password.LocalValue},allowAdmin=true"); // the server refuses, not the client
        var db = client.GetDatabase();
        await db.StringSetAsync("session:1", "kept");
        Assert.Equal("kept", (string?)await db.StringGetAsync("session:1"));
        foreach (var command in new[] { "FLUSHALL", "FLUSHDB", "CONFIG", "ACL", "SHUTDOWN", "SAVE", "KEYS", "RESTORE" })
        {
            object[] args = command switch { "CONFIG" => ["GET", "requirepass"], "ACL" => ["LIST"], "KEYS" => ["*"], "RESTORE" => ["planted", "0", "x"], _ => [] };
            var refused = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync(command, args));
            Assert.StartsWith("NOPERM", refused.Message, StringComparison.Ordinal);
        }
        Assert.Equal("kept", (string?)await db.StringGetAsync("session:1"));

        await using var operatorClient = await ConnectionMultiplexer.ConnectAsync(redis.LocalConnectionString);
        var acl = ((string?[]?)await operatorClient.GetDatabase().ExecuteAsync("ACL", "LIST") ?? []).OfType<string>().ToList();
        Assert.Contains(acl, u => u.StartsWith("user default off", StringComparison.Ordinal));
        Assert.DoesNotContain(web.Password.LocalValue, string.Join('\n', acl), StringComparison.Ordinal); // hashes only
        Assert.DoesNotContain(web.Password.LocalValue, await File.ReadAllTextAsync(redis.ConfigFile), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, new FileInfo(redis.ConfigFile).UnixFileMode);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task HealthyAsync(ServerApp app, params string[] names)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        foreach (var name in names)
        {
            await notifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static Task RabbitCtlAsync(RabbitMQServerResource rabbit, params string[] args) =>
        Commands.RunAsync("/usr/lib/rabbitmq/bin/rabbitmqctl", ["-n", rabbit.NodeName, .. args], CancellationToken.None,
            new Dictionary<string, string>
            {
                ["HOME"] = Path.Combine(rabbit.DataDirectory, "home"),
                ["ERL_EPMD_PORT"] = rabbit.Epmd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
}
