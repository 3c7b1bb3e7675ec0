using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PocDirectory.Directory.Apis;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace PocDirectory.IntegrationTests.Directory;

[Collection(ServersCollection.Name)]
public sealed class MemberStatesApiTests(ServersFixture servers) : IAsyncLifetime
{
    private ServiceFactory<DirectoryDbContext> _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory = new ServiceFactory<DirectoryDbContext>(servers, ResourceNames.DirectoryDb, await servers.CreateDatabaseAsync("directory"));
        _client = _factory.CreateClient();
        using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        await redis.GetDatabase().KeyDeleteAsync(MemberStateReader.AllKeys.Select(k => (RedisKey)RedisKey(k)).ToArray());
    }

    /// <summary>The key under which the Redis layer of the cache keeps <paramref name="cacheKey"/>.</summary>
    private static string RedisKey(string cacheKey) => "pocdir:" + cacheKey;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task The_list_holds_every_State_seeded_by_the_migration_sorted_by_name()
    {
        var states = await _client.GetFromJsonAsync<List<MemberStateResponse>>("/api/directory/member-states");

        Assert.NotNull(states);
        Assert.Equal(195, states.Count);
        Assert.Equal(193, states.Count(s => s.UnStatus == "Member"));
        Assert.Equal(states.Select(s => s.Name).Order(StringComparer.Ordinal), states.Select(s => s.Name));
        var kenya = Assert.Single(states, s => s.Iso2 == "KE");
        Assert.Equal(new MemberStateResponse("KE", "KEN", "Kenya", "African", "African States", "Member"), kenya);
    }

    [Theory]
    [InlineData("WEOG", 29)]
    [InlineData("African", 54)]
    [InlineData("grulac", 33)]
    public async Task The_list_filters_by_regional_group(string group, int expected)
    {
        var states = await _client.GetFromJsonAsync<List<MemberStateResponse>>($"/api/directory/member-states?regionalGroup={group}&status=Member");
        Assert.Equal(expected, states!.Count);
        Assert.Single(states.Select(s => s.RegionalGroup).Distinct());
    }

    [Fact]
    public async Task An_unknown_filter_is_a_validation_problem_naming_the_field()
    {
        var response = await _client.GetAsync("/api/directory/member-states?regionalGroup=Atlantis&status=King");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.Contains("Atlantis", errors.GetProperty("regionalGroup")[0].GetString());
        Assert.Contains("Member or Observer", errors.GetProperty("status")[0].GetString());
    }

    [Theory]
    [InlineData("sg")]
    [InlineData("SGP")]
    public async Task One_State_is_found_by_either_ISO_code(string code)
    {
        var state = await _client.GetFromJsonAsync<MemberStateResponse>($"/api/directory/member-states/{code}");
        Assert.Equal("Singapore", state!.Name);
    }

    [Fact]
    public async Task An_unknown_code_is_a_404_problem()
    {
        var response = await _client.GetAsync("/api/directory/member-states/XX");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("XX", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_list_is_kept_in_the_Redis_cache_after_the_first_read()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        var key = RedisKey(MemberStateReader.ListKey);
        Assert.False(await redis.GetDatabase().KeyExistsAsync(key));

        await _client.GetFromJsonAsync<List<MemberStateResponse>>("/api/directory/member-states");

        // The cache's second level is written beside the answer, not always before it leaves.
        var cached = await Eventually.Until(() => redis.GetDatabase().HashGetAsync(key, "data"), value => value.HasValue,
            TimeSpan.FromSeconds(10), "the list in Redis");
        Assert.Contains("\"KEN\"", System.Text.Encoding.UTF8.GetString((byte[])cached!));
        Assert.True(await redis.GetDatabase().KeyTimeToLiveAsync(key) > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_cached_answer_is_served_from_memory_until_another_replica_invalidates_it()
    {
        await using var otherReplica = new ServiceFactory<DirectoryDbContext>(servers, ResourceNames.DirectoryDb, _factory.ConnectionString);
        otherReplica.CreateClient().Dispose(); // starts it
        Assert.Equal("Kenya", (await _client.GetFromJsonAsync<MemberStateResponse>("/api/directory/member-states/KE"))!.Name);

        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            await db.MemberStates.Where(s => s.Iso2 == "KE").ExecuteUpdateAsync(u => u.SetProperty(s => s.Name, "Kenya (renamed)"));
        }
        // Not re-read: the cache still answers.
        Assert.Equal("Kenya", (await _client.GetFromJsonAsync<MemberStateResponse>("/api/directory/member-states/KE"))!.Name);

        await using (var scope = otherReplica.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<MemberStateReader>().InvalidateAsync();
        }

        var name = await Eventually.Until(
            async () => (await _client.GetFromJsonAsync<MemberStateResponse>("/api/directory/member-states/KE"))!.Name,
            n => n == "Kenya (renamed)", TimeSpan.FromSeconds(10), "the first replica to drop its copy");
        Assert.Equal("Kenya (renamed)", name);
        var list = await _client.GetFromJsonAsync<List<MemberStateResponse>>("/api/directory/member-states?regionalGroup=African");
        Assert.Contains(list!, s => s.Name == "Kenya (renamed)");
    }

    [Fact]
    public async Task The_list_carries_an_entity_tag_and_a_client_holding_it_gets_304()
    {
        var first = await _client.GetAsync("/api/directory/member-states?regionalGroup=WEOG");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Equal("application/json", first.Content.Headers.ContentType?.MediaType);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/directory/member-states?regionalGroup=WEOG");
        again.Headers.IfNoneMatch.Add(etag);
        var second = await _client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());

        var other = await _client.GetAsync("/api/directory/member-states?regionalGroup=EEG");
        Assert.NotEqual(etag, other.Headers.ETag);
    }

    [Fact]
    public async Task Health_reports_ready_when_database_broker_and_cache_answer()
    {
        var body = await Eventually.Until(async () =>
        {
            var response = await _client.GetAsync("/health");
            return await response.Content.ReadAsStringAsync();
        }, body => body.Contains("\"status\":\"Healthy\"") && !body.Contains("Unhealthy") && !body.Contains("Degraded"),
            TimeSpan.FromSeconds(90), "a healthy service");
        using var health = JsonDocument.Parse(body);
        Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
        var checks = health.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(c => c.Name, c => c.Value);
        Assert.Contains(ResourceNames.DirectoryDb, checks.Keys);
        Assert.Contains(ResourceNames.Cache, checks.Keys);
        Assert.Contains(checks.Keys, name => name.StartsWith("masstransit", StringComparison.Ordinal));
        Assert.All(checks.Values, c => Assert.True(c.GetProperty("durationMs").GetDouble() >= 0));
        // Nothing about where the servers are or how to log in to them.
        Assert.DoesNotContain("127.0.0.1", body);
        Assert.DoesNotContain("Host=", body);

        using var alive = JsonDocument.Parse(await _client.GetStringAsync("/alive"));
        Assert.Equal("Healthy", alive.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_are_served_for_Prometheus()
    {
        await _client.GetAsync("/api/directory/member-states");
        var metrics = await Eventually.Until(() => _client.GetStringAsync("/metrics"),
            text => text.Contains("http_server_request_duration_seconds"), TimeSpan.FromSeconds(30), "the request metrics");
        Assert.Contains("# TYPE", metrics);
        // The outbox's gauges under the names the alert rules read (deploy/monitoring/alert-rules.yml).
        var outbox = await Eventually.Until(() => _client.GetStringAsync("/metrics"),
            text => text.Contains("\noutbox_oldest_age_seconds") && text.Contains("\noutbox_backlog"), TimeSpan.FromSeconds(30), "the outbox's gauges");
        Assert.Contains("# TYPE outbox_oldest_age_seconds gauge", outbox);
        // And how long ago the revocation list was read (RevocationListStale).
        var revocation = await Eventually.Until(() => _client.GetStringAsync("/metrics"),
            text => text.Contains("\nrevocation_list_age_seconds"), TimeSpan.FromSeconds(30), "the revocation list's age");
        Assert.Contains("# TYPE revocation_list_age_seconds gauge", revocation);
    }
}
