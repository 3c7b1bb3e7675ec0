using Microsoft.Extensions.Configuration;
using PocDirectory.Gateway.Extensions;

namespace PocDirectory.UnitTests;

public sealed class ProxyConfigurationTests
{
    [Fact]
    public void Each_referenced_service_gets_its_api_route_and_address()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:directory:http:0"] = "http://127.0.0.1:5001",
            ["services:meetings:http:0"] = "http://127.0.0.1:5004",
        }).Build();

        var (routes, clusters) = ProxyConfiguration.Build(configuration);

        Assert.Equal(["directory", "meetings"], routes.Select(r => r.RouteId));
        Assert.Equal("/api/directory/{**rest}", routes[0].Match.Path);
        // Resolved by service discovery from services:meetings:http:0 when the proxy sends.
        Assert.Equal("http://meetings", clusters.Single(c => c.ClusterId == "meetings").Destinations!["meetings"].Address);
        Assert.All(routes, r => Assert.Equal(RateLimiting.PolicyName, r.RateLimiterPolicy));
    }

    [Fact]
    public void No_reference_means_no_route()
    {
        var (routes, clusters) = ProxyConfiguration.Build(new ConfigurationBuilder().Build());
        Assert.Empty(routes);
        Assert.Empty(clusters);
    }
}
