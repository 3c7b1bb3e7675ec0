using Yarp.ReverseProxy.Configuration;

namespace PocDirectory.Gateway.Extensions;

/// <summary>
/// One route per service: <c>/api/{service}/…</c> goes unchanged to that service, whose address comes
/// from <c>services__{service}__http__0</c> exactly as under Aspire.
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
            var address = configuration[$"services:{service}:http:0"];
            if (string.IsNullOrWhiteSpace(address))
            {
                continue; // not referenced: its routes answer 404
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
                    [service] = new() { Address = address },
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
