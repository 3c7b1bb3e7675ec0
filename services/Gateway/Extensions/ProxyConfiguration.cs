using Yarp.ReverseProxy.Configuration;

namespace PocDirectory.Gateway.Extensions;

/// <summary>
/// One route per service: <c>/api/{service}/…</c> goes unchanged to that service. Destinations are
/// named <c>http://{service}</c> and resolved by Microsoft.Extensions.ServiceDiscovery from
/// <c>services__{service}__http__0</c>, exactly as under Aspire.
/// </summary>
public static class ProxyConfiguration
{
    public static readonly string[] Services =
    [
        ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications,
        ResourceNames.Meetings, ResourceNames.Identity,
    ];

    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(IConfiguration configuration)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var service in Services)
        {
            if (string.IsNullOrWhiteSpace(configuration[$"services:{service}:http:0"]))
            {
                continue; // not referenced: its routes answer 404 instead of failing to resolve
            }
            routes.Add(new RouteConfig
            {
                RouteId = service,
                ClusterId = service,
                RateLimiterPolicy = RateLimiting.PolicyName,
                Match = new RouteMatch { Path = $"/api/{service}/{{**rest}}" },
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = service,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    [service] = new() { Address = $"http://{service}" },
                },
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig
                {
                    ActivityTimeout = TimeSpan.FromSeconds(30),
                },
            });
        }
        return (routes, clusters);
    }
}
