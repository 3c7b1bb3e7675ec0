using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PocDirectory.EndToEndTests;

public sealed record MemberStateDto(string Iso2, string Iso3, string Name, string RegionalGroup, string UnStatus);

/// <summary>AppHost → PostgreSQL/EF → outbox → RabbitMQ → consumers → Gateway, on the running system.</summary>
[Collection(SystemCollection.Name)]
public sealed class GatewayFlowTests(SystemFixture fixture)
{
    private HttpClient Gateway => fixture.Gateway;

    [Fact]
    public async Task The_gateway_returns_the_193_Member_States_and_the_observers()
    {
        var states = await Gateway.GetFromJsonAsync<List<MemberStateDto>>("/api/directory/member-states");

        Assert.NotNull(states);
        Assert.Equal(193, states.Count(s => s.UnStatus == "Member"));
        Assert.Equal(["State of Palestine", "Holy See"], states.Where(s => s.UnStatus == "Observer").Select(s => s.Name).OrderDescending());
        var weog = await Gateway.GetFromJsonAsync<List<MemberStateDto>>("/api/directory/member-states?regionalGroup=WEOG&status=Member");
        Assert.Equal(29, weog!.Count);
        Assert.Contains(weog, s => s.Iso3 == "USA");
    }

    [Theory]
    [InlineData(ResourceNames.Nominations)]
    [InlineData(ResourceNames.Notifications)]
    [InlineData(ResourceNames.Meetings)]
    public async Task Each_service_keeps_its_own_copy_of_the_Member_States(string service)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        List<MemberStateDto>? copy;
        var token = await fixture.TokenAsync();
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/{service}/member-states");
            request.Headers.Authorization = new("Bearer", token);
            copy = await (await Gateway.SendAsync(request)).Content.ReadFromJsonAsync<List<MemberStateDto>>();
            if (copy!.Count == 195)
            {
                break;
            }
            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(195, copy.Count);
        var original = await Gateway.GetFromJsonAsync<List<MemberStateDto>>("/api/directory/member-states");
        Assert.Equal(
            original!.Select(s => (s.Iso2, s.Iso3, s.Name, s.RegionalGroup, s.UnStatus)).Order(),
            copy.Select(s => (s.Iso2, s.Iso3, s.Name, s.RegionalGroup, s.UnStatus)).Order());
    }

    [Fact]
    public async Task Bad_input_through_the_gateway_is_a_problem_with_field_errors()
    {
        var response = await Gateway.GetAsync("/api/directory/member-states?regionalGroup=Nowhere");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("regionalGroup", out _));
    }

    [Fact]
    public async Task The_gateway_sets_security_headers_and_hides_its_server()
    {
        var response = await Gateway.GetAsync("/api/directory/member-states/KE");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Web_pages_carry_a_content_security_policy()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(fixture.System.Url(ResourceNames.Web), "/member-states"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task An_unknown_api_path_is_not_found_and_without_a_token_not_even_that()
    {
        // Without a token nothing is revealed, not even which paths exist.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Gateway.GetAsync("/api/nothing-here")).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/nothing-here");
        request.Headers.Authorization = new("Bearer", await fixture.TokenAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Every_service_reports_healthy_and_alive_and_serves_metrics()
    {
        using var http = new HttpClient();
        foreach (var name in new[] { ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings, ResourceNames.Identity, ResourceNames.Gateway, ResourceNames.Web })
        {
            var url = fixture.System.OperationalUrl(name);
            Assert.Equal("Healthy", await HealthStatusAsync(http, new Uri(url, "/health")));
            Assert.Equal("Healthy", await HealthStatusAsync(http, new Uri(url, "/alive")));
            Assert.Contains("# TYPE", await http.GetStringAsync(new Uri(url, "/metrics")));
        }
    }

    [Theory]
    [InlineData(ResourceNames.Gateway, "/api/directory/member-states")]
    [InlineData(ResourceNames.Web, "/member-states")]
    public async Task A_public_entry_serves_its_health_and_metrics_only_on_its_management_port_and_nothing_else_there(string name, string publicPath)
    {
        using var http = new HttpClient();
        var publicUrl = fixture.System.Url(name);
        var management = fixture.System.OperationalUrl(name);
        Assert.NotEqual(publicUrl.Port, management.Port);
        foreach (var path in new[] { "/health", "/alive", "/metrics", "/health/", "/METRICS" })
        {
            // Whatever the Host header says: the port the connection reached decides.
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(publicUrl, path)) { Headers = { Host = $"localhost:{management.Port}" } };
            Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(request)).StatusCode);
        }
        Assert.True((await http.GetAsync(new Uri(publicUrl, publicPath))).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(management, publicPath))).StatusCode);
        Assert.Equal("Healthy", await HealthStatusAsync(http, new Uri(management, "/health")));
    }

    [Theory]
    [InlineData(ResourceNames.Directory, new[] { ResourceNames.DirectoryDb, ResourceNames.Cache })]
    [InlineData(ResourceNames.Notifications, new[] { ResourceNames.NotificationsDb, ResourceNames.Cache, ResourceNames.Mail })]
    public async Task Health_names_each_check_with_its_status_and_duration(string service, string[] expected)
    {
        using var http = new HttpClient();
        using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri(fixture.System.Url(service), "/health")));
        var checks = health.RootElement.GetProperty("checks");
        foreach (var name in expected)
        {
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
            Assert.True(checks.GetProperty(name).GetProperty("durationMs").GetDouble() >= 0);
        }
        Assert.Contains(checks.EnumerateObject(), c => c.Name.StartsWith("masstransit", StringComparison.Ordinal));
    }

    internal static async Task<string?> HealthStatusAsync(HttpClient http, Uri url)
    {
        using var health = JsonDocument.Parse(await http.GetStringAsync(url));
        return health.RootElement.GetProperty("status").GetString();
    }
}
