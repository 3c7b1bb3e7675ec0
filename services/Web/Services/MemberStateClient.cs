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
        services.AddTransient<ForwardedClientHandler>();
        // Resolved by service discovery, as under Aspire. Every call names the browser it is made for (signed),
        // and calls made for the signed-in person carry their access token.
        IHttpClientBuilder Gateway<TClient>() where TClient : class =>
            services.AddHttpClient<TClient>(http => http.BaseAddress = new Uri($"http://{ResourceNames.Gateway}/"))
                .AddHttpMessageHandler<ForwardedClientHandler>();
        Gateway<MemberStateClient>();
        Gateway<IdentityClient>().AddHttpMessageHandler<IdentityAccessTokenHandler>(); // a token addressed to Identity alone
        Gateway<DirectoryClient>().AddHttpMessageHandler<UserAccessTokenHandler>();
        Gateway<PingClient>().AddHttpMessageHandler<UserAccessTokenHandler>();
        Gateway<UpdateRequestClient>().AddHttpMessageHandler<UserAccessTokenHandler>();
        Gateway<MeetingClient>().AddHttpMessageHandler<UserAccessTokenHandler>();
        Gateway<LetterClient>().AddHttpMessageHandler<UserAccessTokenHandler>();
        Gateway<MissionClient>().AddHttpMessageHandler<UserAccessTokenHandler>();
        Gateway<ScheduleClient>().AddHttpMessageHandler<UserAccessTokenHandler>();
        Gateway<SilenceClient>().AddHttpMessageHandler<UserAccessTokenHandler>();
        Gateway<StakeholderClient>().AddHttpMessageHandler<UserAccessTokenHandler>();
        return services;
    }
}

/// <summary>
/// Names the browser a call is made for, signed (<see cref="ForwardedClient"/>): the gateway then limits
/// each browser on its own instead of the Web as one client, and the services record the browser's address.
/// When the gateway refuses this browser for too many requests, every page shows so (<see cref="BusyGateway"/>)
/// instead of reading the refusal as "not found" or failing.
/// </summary>
public sealed class ForwardedClientHandler(IHttpContextAccessor accessor, IConfiguration configuration, TimeProvider clock) : DelegatingHandler
{
    private readonly byte[]? _key = ForwardedClient.Key(configuration);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_key is not null && accessor.HttpContext?.Connection.RemoteIpAddress is { } browser)
        {
            request.Headers.Remove(ForwardedClient.HeaderName);
            request.Headers.TryAddWithoutValidation(ForwardedClient.HeaderName, ForwardedClient.Sign(browser, clock.GetUtcNow(), _key));
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
        {
            response.Dispose();
            throw new HttpRequestException("The gateway refused this browser: too many requests.", null, System.Net.HttpStatusCode.TooManyRequests);
        }
        return response;
    }
}
