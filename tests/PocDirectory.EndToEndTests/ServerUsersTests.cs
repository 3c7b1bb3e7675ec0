using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// In the running system every connection to a server is made by the user of the client that made it: each
/// database by its own service's role, the broker by a user per service, Redis by a user per client; no
/// superuser, guest or default user among them.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ServerUsersTests(SystemFixture fixture)
{
    private RunningSystem System => fixture.System;

    /// <summary>The exporters' user on PostgreSQL and on Redis.</summary>
    private const string Monitoring = "monitoring";

    private static readonly string[] Services =
        [ResourceNames.Identity, ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings];

    [Fact]
    public async Task Each_database_is_used_only_by_its_own_service_role()
    {
        var databases = new Dictionary<string, string>
        {
            [ResourceNames.IdentityDb] = ResourceNames.Identity, [ResourceNames.DirectoryDb] = ResourceNames.Directory,
            [ResourceNames.NominationsDb] = ResourceNames.Nominations, [ResourceNames.NotificationsDb] = ResourceNames.Notifications,
            [ResourceNames.MeetingsDb] = ResourceNames.Meetings,
        };
        var users = await Eventually.Until(async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(System.DatabaseConnectionString("postgres"));
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT DISTINCT datname, usename FROM pg_stat_activity WHERE datname = ANY(@names) AND pid <> pg_backend_pid()", connection);
            command.Parameters.AddWithValue("names", databases.Keys.ToArray());
            var found = new List<(string Database, string User)>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                found.Add((reader.GetString(0), reader.GetString(1)));
            }
            return found;
        }, found => databases.Keys.All(d => found.Any(f => f.Database == d)), TimeSpan.FromSeconds(60), "a connection to every service database");

        foreach (var (database, user) in users)
        {
            Assert.Equal(databases[database], user);
        }
        // And no role reaches another's database.
        var directoryPassword = System.Secret($"{ResourceNames.Postgres}-{ResourceNames.Directory}-password");
        var crossing = await Assert.ThrowsAsync<Npgsql.PostgresException>(async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(System.DatabaseConnectionString(ResourceNames.IdentityDb)
                .Replace("Username=postgres", $"Username={ResourceNames.Directory}", StringComparison.Ordinal)
                .Replace(System.Secret($"{ResourceNames.Postgres}-superuser-password"), directoryPassword, StringComparison.Ordinal));
            await connection.OpenAsync();
        });
        Assert.Equal(Npgsql.PostgresErrorCodes.InvalidAuthorizationSpecification, crossing.SqlState); // no pg_hba.conf line lets it
    }

    [Fact]
    public async Task Each_service_reaches_the_broker_as_its_own_user_and_guest_is_gone()
    {
        var management = System.Resource(ResourceNames.Messaging).ManagementUrl
            ?? throw new InvalidOperationException("The broker's management UI has no URL.");
        using var http = new HttpClient { BaseAddress = new Uri(management) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(global::System.Text.Encoding.UTF8.GetBytes($"operator:{System.Secret($"{ResourceNames.Messaging}-operator-password")}")));

        var connected = await Eventually.Until(async () =>
        {
            var connections = await http.GetFromJsonAsync<JsonElement[]>("/api/connections") ?? [];
            return connections.Select(c => c.GetProperty("user").GetString()!).ToHashSet();
        }, users => Services.All(users.Contains), TimeSpan.FromSeconds(60), "every service connected to the broker");
        Assert.True(connected.SetEquals(Services), string.Join(", ", connected));

        var users = await http.GetFromJsonAsync<JsonElement[]>("/api/users") ?? [];
        Assert.Equal(Services.Append("operator").Order(StringComparer.Ordinal),
            users.Select(u => u.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Each_client_reaches_Redis_as_its_own_user()
    {
        var port = System.Url(ResourceNames.Cache).Port;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(System.RedisConnectionString);
        string[] clients = [.. Services, ResourceNames.Gateway, ResourceNames.Web];
        var users = await Eventually.Until(async () =>
        {
            var list = await redis.GetServer("127.0.0.1", port).ClientListAsync();
            return list.Select(c => UserOf(c.Raw ?? "")).Where(u => u != "operator").ToHashSet();
        }, found => found.Contains(ResourceNames.Gateway) && found.Contains(ResourceNames.Web) && found.Contains(ResourceNames.Identity),
            TimeSpan.FromSeconds(60), "the gateway, the Web and Identity connected to Redis");
        Assert.All(users, u => Assert.Contains(u, clients.Append(Monitoring)));

        static string UserOf(string raw) =>
            raw.Split(' ').Select(p => p.Split('=', 2)).Single(p => p[0] == "user")[1];
    }

    [Fact]
    public async Task The_exporters_read_the_servers_statistics_and_none_of_their_data()
    {
        // PostgreSQL: the monitoring role reads the statistics views in the maintenance database, and enters no service's database.
        var password = System.Secret($"{ResourceNames.Postgres}-{Monitoring}-password");
        var monitoring = System.DatabaseConnectionString("postgres")
            .Replace("Username=postgres", $"Username={Monitoring}", StringComparison.Ordinal)
            .Replace(System.Secret($"{ResourceNames.Postgres}-superuser-password"), password, StringComparison.Ordinal);
        await using (var connection = new Npgsql.NpgsqlConnection(monitoring))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_database WHERE datname = 'directorydb' AND pg_database_size('directorydb') > 0", connection);
            Assert.Equal(1L, await command.ExecuteScalarAsync());
            await using var superuser = new Npgsql.NpgsqlCommand("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", connection);
            Assert.Equal(false, await superuser.ExecuteScalarAsync());
        }
        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(monitoring.Replace("Database=postgres", $"Database={ResourceNames.DirectoryDb}", StringComparison.Ordinal));
            await connection.OpenAsync();
        });
        Assert.Equal(Npgsql.PostgresErrorCodes.InvalidAuthorizationSpecification, refused.SqlState);

        // Redis: the monitoring user reads INFO, and no key (said in Redis' own protocol, as the exporter speaks it).
        var answers = await RedisAsync(System.Url(ResourceNames.Cache).Port,
            $"AUTH {Monitoring} {System.Secret($"{ResourceNames.Cache}-{Monitoring}-password")}", "INFO server", "GET any-key", "SCAN 0", "SLOWLOG GET 1", "CLIENT LIST", "QUIT");
        Assert.StartsWith("+OK", answers);
        Assert.Contains("redis_version:", answers);
        Assert.Contains("-NOPERM this user has no permissions to run the 'get' command", answers);
        Assert.Contains("-NOPERM this user has no permissions to run the 'scan' command", answers);
        // Nor what clients sent (the slow log keeps commands' arguments) or who they are.
        Assert.Contains("-NOPERM this user has no permissions to run the 'slowlog|get' command", answers);
        Assert.Contains("-NOPERM this user has no permissions to run the 'client|list' command", answers);
    }

    /// <summary>Sends <paramref name="commands"/> (inline commands, the last one QUIT) on one connection and returns every answer.</summary>
    private static async Task<string> RedisAsync(int port, params string[] commands)
    {
        using var client = new global::System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(global::System.Text.Encoding.UTF8.GetBytes(string.Join("", commands.Select(c => c + "\r\n"))));
        using var reader = new StreamReader(stream, global::System.Text.Encoding.UTF8);
        return await reader.ReadToEndAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
    }
}
