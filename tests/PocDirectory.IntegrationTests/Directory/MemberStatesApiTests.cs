using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PocDirectory.Directory.Apis;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;
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
        await redis.GetDatabase().KeyDeleteAsync(MemberStateReader.CacheKey);
    }

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
        Assert.False(await redis.GetDatabase().KeyExistsAsync(MemberStateReader.CacheKey));

        await _client.GetFromJsonAsync<List<MemberStateResponse>>("/api/directory/member-states");

        var cached = await redis.GetDatabase().StringGetAsync(MemberStateReader.CacheKey);
        Assert.Contains("\"iso3\":\"KEN\"", (string)cached!);
        Assert.True(await redis.GetDatabase().KeyTimeToLiveAsync(MemberStateReader.CacheKey) > TimeSpan.Zero);
    }

    [Fact]
    public async Task Health_reports_ready_when_database_broker_and_cache_answer()
    {
        var health = await Eventually.Until(async () =>
        {
            var response = await _client.GetAsync("/health");
            return await response.Content.ReadAsStringAsync();
        }, body => body == "Healthy", TimeSpan.FromSeconds(90), "a healthy service");
        Assert.Equal("Healthy", health);
        Assert.Equal("Healthy", await _client.GetStringAsync("/alive"));
    }
}
