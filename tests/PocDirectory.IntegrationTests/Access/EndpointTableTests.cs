using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Notifications.Infrastructure;

namespace PocDirectory.IntegrationTests.Access;

/// <summary>
/// Every endpoint each service really maps, against one table of who may call it. An endpoint added
/// without a line here fails the test, and so does one whose access differs from its line: nothing
/// becomes anonymous by accident.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class EndpointTableTests(ServersFixture servers)
{
    private const string Anonymous = "anonymous";
    private const string Token = "token";

    /// <summary>(service, method, route) → access. "*" is any method. Tokens must also carry the service's audience.</summary>
    private static readonly Dictionary<(string Service, string Method, string Route), string> Table = new()
    {
        [(ResourceNames.Directory, "GET", "/api/directory/member-states/")] = Anonymous,
        [(ResourceNames.Directory, "GET", "/api/directory/member-states/{code}")] = Anonymous,
        [(ResourceNames.Nominations, "GET", "/api/nominations/member-states")] = Token,
        [(ResourceNames.Notifications, "GET", "/api/notifications/member-states")] = Token,
        [(ResourceNames.Meetings, "GET", "/api/meetings/member-states")] = Token,
        [(ResourceNames.Identity, "POST", "/connect/token")] = Anonymous,
    };

    private static readonly string[] OperationalRoutes = ["/health", "/alive", "/metrics"];

    [Fact]
    public async Task Every_mapped_endpoint_of_every_service_is_in_the_access_table_with_the_access_it_has()
    {
        var actual = new Dictionary<(string, string, string), string>();
        await CollectAsync<DirectoryDbContext>(ResourceNames.Directory, ResourceNames.DirectoryDb, actual);
        await CollectAsync<NominationsDbContext>(ResourceNames.Nominations, ResourceNames.NominationsDb, actual);
        await CollectAsync<NotificationsDbContext>(ResourceNames.Notifications, ResourceNames.NotificationsDb, actual);
        await CollectAsync<MeetingsDbContext>(ResourceNames.Meetings, ResourceNames.MeetingsDb, actual);
        await CollectAsync<PocIdentityDbContext>(ResourceNames.Identity, ResourceNames.IdentityDb, actual);

        var expected = new Dictionary<(string, string, string), string>(Table);
        foreach (var service in new[] { ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings, ResourceNames.Identity })
        {
            foreach (var route in OperationalRoutes)
            {
                expected[(service, "*", route)] = Anonymous;
            }
        }

        var missing = actual.Keys.Except(expected.Keys).Select(k => $"{k} ({actual[k]}) is mapped but not in the table").ToList();
        var gone = expected.Keys.Except(actual.Keys).Select(k => $"{k} is in the table but not mapped").ToList();
        var differ = actual.Keys.Intersect(expected.Keys).Where(k => actual[k] != expected[k])
            .Select(k => $"{k} is {actual[k]}, the table says {expected[k]}").ToList();
        var problems = missing.Concat(gone).Concat(differ).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private async Task CollectAsync<TEntryPoint>(string service, string database, Dictionary<(string, string, string), string> into)
        where TEntryPoint : class
    {
        await using var factory = new ServiceFactory<TEntryPoint>(servers, database, await servers.CreateDatabaseAsync(service));
        factory.CreateClient().Dispose();
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"];
            var access = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? Anonymous : Token;
            foreach (var method in methods)
            {
                into[(service, method, "/" + endpoint.RoutePattern.RawText!.TrimStart('/'))] = access;
            }
        }
    }
}
