using System.Diagnostics;
using System.Net;
using PocDirectory.AppHost;

namespace PocDirectory.EndToEndTests;

[Collection(SystemCollection.Name)]
public sealed class SupervisionTests(SystemFixture fixture)
{
    [Theory]
    [InlineData(ResourceNames.Directory)]
    [InlineData(ResourceNames.Nominations)]
    [InlineData(ResourceNames.Notifications)]
    [InlineData(ResourceNames.Meetings)]
    [InlineData(ResourceNames.Identity)]
    [InlineData(ResourceNames.Gateway)]
    [InlineData(ResourceNames.Web)]
    public async Task A_killed_service_is_started_again_and_serves(string service)
    {
        var before = fixture.System.Resource(service);
        Assert.Equal("Running", before.State);

        Process.GetProcessById(before.Pid!.Value).Kill(entireProcessTree: true);

        var after = await fixture.System.WaitUntilAsync(
            r => r.Single(x => x.Name == service) is { State: "Running" } x && x.Pid != before.Pid,
            TimeSpan.FromMinutes(2), $"{service} running again with a new process");
        var restarted = after.Single(x => x.Name == service);
        Assert.True(Posix.IsAlive(restarted.Pid!.Value));
        Assert.False(Posix.IsAlive(before.Pid.Value));

        // It serves again: ready by its own health check, and the flow through the gateway works.
        // (The gateway and the Web answer health on their management port only.)
        using var direct = new HttpClient { BaseAddress = new Uri(restarted.ManagementUrl ?? restarted.Url!) };
        Assert.Equal("Healthy", await GatewayFlowTests.HealthStatusAsync(direct, new Uri(direct.BaseAddress, "/health")));
        var response = await fixture.Gateway.GetAsync("/api/directory/member-states/KE");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
