using System.Net.Http.Json;

namespace PocDirectory.Web.Services;

public sealed record MemberState(string Iso2, string Iso3, string Name, string RegionalGroup, string RegionalGroupName, string UnStatus);

/// <summary>Reads the State list through the Gateway: the Web never calls a service directly.</summary>
public sealed class MemberStateClient(HttpClient http)
{
    public async Task<IReadOnlyList<MemberState>> GetAllAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<MemberState>>("api/directory/member-states", ct) ?? [];
}

public static class GatewayClientExtensions
{
    public static IServiceCollection AddGatewayClients(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[$"services:{ResourceNames.Gateway}:http:0"]))
        {
            throw new InvalidOperationException($"services__{ResourceNames.Gateway}__http__0 is not set.");
        }
        // Resolved by service discovery, as under Aspire.
        services.AddHttpClient<MemberStateClient>(http => http.BaseAddress = new Uri($"http://{ResourceNames.Gateway}/"));
        // Calls made for the signed-in person carry their access token.
        services.AddHttpClient<IdentityClient>(http => http.BaseAddress = new Uri($"http://{ResourceNames.Gateway}/"))
            .AddHttpMessageHandler<UserAccessTokenHandler>();
        services.AddHttpClient<DirectoryClient>(http => http.BaseAddress = new Uri($"http://{ResourceNames.Gateway}/"))
            .AddHttpMessageHandler<UserAccessTokenHandler>();
        services.AddHttpClient<PingClient>(http => http.BaseAddress = new Uri($"http://{ResourceNames.Gateway}/"))
            .AddHttpMessageHandler<UserAccessTokenHandler>();
        services.AddHttpClient<UpdateRequestClient>(http => http.BaseAddress = new Uri($"http://{ResourceNames.Gateway}/"))
            .AddHttpMessageHandler<UserAccessTokenHandler>();
        return services;
    }
}
