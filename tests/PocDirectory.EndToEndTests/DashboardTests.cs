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
    public async Task The_dashboard_opens_on_loopback_without_a_token_and_lists_every_resource_running()
    {
        var dashboard = fixture.System.DashboardUrl;
        Assert.Equal("127.0.0.1", dashboard.Host);
        var page = await _chromium.Browser.NewPageAsync();

        await page.GotoAsync(dashboard.ToString());

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
}
