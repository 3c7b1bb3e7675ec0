using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>Aspire's dashboard, as the operations team opens it: a Blazor Server app, driven in Chromium.</summary>
[Collection(SystemCollection.Name)]
public sealed class DashboardTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    [Fact]
    public async Task The_dashboard_asks_for_its_login_token_and_with_it_lists_every_resource_running()
    {
        var dashboard = fixture.System.DashboardUrl;
        Assert.Equal("127.0.0.1", dashboard.Host);
        var page = await _chromium.Browser.NewPageAsync();

        // It shows every resource's settings, secrets included: without the token, only its login page.
        await page.GotoAsync(dashboard.ToString());
        Assert.Contains("/login", page.Url);
        await page.GotoAsync(new Uri(dashboard, "/login?t=not-the-token").ToString());
        Assert.Contains("/login", page.Url);

        await SignInAsync(page);
        Assert.DoesNotContain("/login", page.Url);
        foreach (var resource in fixture.System.Resources())
        {
            // Each resource's row, named as in resources.json, with its state as Aspire reports it.
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = resource.Name }).First;
            await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Assertions.Expect(row).ToContainTextAsync("Running", new() { Timeout = 60_000 });
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ScreenshotPath("dashboard-resources.png") });
    }

    /// <summary>Opens the login link with the token the AppHost keeps in the state folder.</summary>
    private Task SignInAsync(IPage page) =>
        page.GotoAsync(new Uri(fixture.System.DashboardUrl, $"/login?t={fixture.System.Secret("dashboard-token")}").ToString());

    [Theory]
    [InlineData("dashboard", "/")]
    [InlineData(ResourceNames.Gateway, "/api/directory/member-states")]
    [InlineData(ResourceNames.Web, "/member-states")]
    public async Task Without_its_token_the_dashboard_and_the_services_answer_only_requests_addressed_to_loopback(string target, string path)
    {
        // A page that pointed a name of its own at 127.0.0.1 (DNS rebinding) sends that name as the Host.
        var url = new Uri(target == "dashboard" ? fixture.System.DashboardUrl : fixture.System.Url(target), path);
        using var http = new HttpClient();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Host = "rebound.example.org" } };
        using var local = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Host = $"localhost:{url.Port}" } };

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.SendAsync(rebound)).StatusCode);
        Assert.True((await http.SendAsync(local)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task An_approval_is_one_trace_on_the_dashboard_from_the_gateway_through_RabbitMQ_to_the_directory_database()
    {
        var system = fixture.System;
        var focalPoint = await DirectoryFlow.TokenOfAsync(system, "trace-fp", Roles.FocalPoint, "FRA");
        var manager = await DirectoryFlow.TokenOfAsync(system, "trace-dm", Roles.DirectoryManager);
        var email = TestPerson.UniqueEmail("trace");
        var (id, pocId) = await DirectoryFlow.NominateAsync(system, focalPoint, "FRA", "Traced Approval", email);
        await DirectoryFlow.ConfirmAsync(system, email);

        // The approval, as a browser would send it, with its own trace id.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using (var http = DirectoryFlow.Client(system, manager))
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/nominations/{id}/decision")
        {
            Content = JsonContent.Create(new { decision = "approve", reason = (string?)null, revision = 1 }),
        })
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        await DirectoryFlow.WaitForEntryAsync(system, manager, pocId, listed: true);

        var page = await _chromium.Browser.NewPageAsync();
        await SignInAsync(page);
        var text = await Eventually.Until(async () =>
            {
                await page.GotoAsync(new Uri(fixture.System.DashboardUrl, $"/traces/detail/{traceId}").ToString());
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                return await page.InnerTextAsync("body");
            },
            body => new[] { "gateway", "nominations", "directory", "receive", "directorydb" }.All(body.Contains),
            TimeSpan.FromSeconds(90), "the approval's trace with the gateway, Nominations, the broker's delivery to the Directory and its database");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ScreenshotPath("dashboard-trace.png"), FullPage = true });
        Assert.Contains(traceId[..7], text); // the page is that trace's
    }
}
