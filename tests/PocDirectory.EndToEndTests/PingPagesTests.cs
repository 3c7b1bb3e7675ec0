using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Ping tests in real Chromium: the directory manager starts one (a refused form first), the point of
/// contact acknowledges from the e-mailed link on a browser that is not signed in, and the live
/// results, the list and the overview show it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PingPagesTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    [Fact]
    public async Task The_manager_starts_a_ping_test_the_point_of_contact_acknowledges_from_the_link_and_the_results_show_it()
    {
        var system = fixture.System;
        var web = system.Url(ResourceNames.Web).ToString().TrimEnd('/');
        var managerToken = await DirectoryFlow.TokenOfAsync(system, "ping-web-dm-api", Roles.DirectoryManager);
        var focalPoint = await DirectoryFlow.TokenOfAsync(system, "ping-web-fp", Roles.FocalPoint, "MLT");
        var pocEmail = TestPerson.UniqueEmail("ping-web-poc");
        await DirectoryFlow.ListAsync(system, focalPoint, managerToken, "MLT", "Maria Borg", pocEmail);
        var manager = await TestPerson.CreateAsync(system, "ping-web-dm", Roles.DirectoryManager);

        var dmPage = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await dmPage.Clock.InstallAsync(); // the page's timers on a clock this test moves (the results page updates itself)
        await dmPage.GotoAsync(web + "/ping/new");
        await SignInPageTests.SignInWithAppAsync(dmPage, manager);
        await Assertions.Expect(dmPage).ToHaveURLAsync(web + "/ping/new");

        // Nothing chosen: refused, with the reason beside the scope.
        await dmPage.GetByTestId("ping-start").ClickAsync();
        await Assertions.Expect(dmPage.GetByTestId("error-summary")).ToContainTextAsync("Who is asked: Choose at least one regional group, type or State, or ask everyone listed.");

        // Every error at once, in words: a reminder that is no number does not hide an unknown State.
        await dmPage.GetByTestId("ping-states").FillAsync("XYZ");
        await dmPage.GetByLabel("Reminders").FillAsync("soon, 24");
        await dmPage.GetByTestId("ping-start").ClickAsync();
        var summary = dmPage.GetByTestId("error-summary");
        await Assertions.Expect(summary).ToContainTextAsync("States: 'XYZ' is not a Member State or observer State");
        await Assertions.Expect(summary).ToContainTextAsync("Reminders: 'soon' is not a whole number of hours.");
        await Assertions.Expect(summary).Not.ToContainTextAsync("everyone: true");
        await Assertions.Expect(dmPage.Locator("#states")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(dmPage.Locator("#reminders")).ToHaveAttributeAsync("aria-describedby", "reminders-error");

        // A State by its name.
        await dmPage.GetByLabel("Reminders").FillAsync("24, 48");
        await dmPage.GetByTestId("ping-states").FillAsync("Malta");
        await dmPage.GetByTestId("ping-start").ClickAsync();
        await Assertions.Expect(dmPage).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ping/campaigns/[0-9a-f-]{36}$"));
        var results = dmPage.Url;
        await Assertions.Expect(dmPage.GetByTestId("ping-overall")).ToContainTextAsync("Asked");
        await Assertions.Expect(dmPage.GetByTestId("ping-acknowledged")).ToContainTextAsync("0 (0.0 %)");
        await Assertions.Expect(dmPage.GetByTestId("ping-chart")).ToBeVisibleAsync();
        await Assertions.Expect(dmPage.GetByTestId("ping-non-responders")).ToContainTextAsync("Maria Borg");

        var link = (await Mailbox.WaitForAsync(system, pocEmail, PingTests.AcknowledgementLink())).Value;
        var phone = await (await _chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } })).NewPageAsync();
        await phone.GotoAsync(link);
        await phone.GetByTestId("ping-acknowledge").ClickAsync();
        await Assertions.Expect(phone.GetByTestId("ping-thanks")).ToContainTextAsync("Thank you");
        await phone.GotoAsync(link);
        await phone.GetByTestId("ping-acknowledge").ClickAsync();
        await Assertions.Expect(phone.GetByTestId("ping-gone")).ToBeVisibleAsync();
        await phone.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("ping-acknowledged-phone.png") });

        // The open results page updates itself: a minute later, without a reload, it shows the acknowledgement,
        // and the chart a step up from 0 to 1 in the time elapsed so far (not a line at 0 h of a 72-hour window).
        await dmPage.Clock.RunForAsync(61_000);
        await Assertions.Expect(dmPage.GetByTestId("ping-acknowledged")).ToContainTextAsync("1 (100.0 %)");
        Assert.Equal(results, dmPage.Url);
        var line = (await dmPage.GetByTestId("ping-chart-line").GetAttributeAsync("points"))!.Split(' ');
        Assert.Equal(4, line.Length); // from 0, flat to the acknowledgement, up, flat to now
        Assert.NotEqual(line[0].Split(',')[0], line[1].Split(',')[0]);
        await Assertions.Expect(dmPage.GetByTestId("ping-chart")).ToContainTextAsync("Time since the start");
        await Assertions.Expect(dmPage.GetByTestId("ping-chart")).ToContainTextAsync("min");
        await dmPage.ReloadAsync();
        await Assertions.Expect(dmPage.GetByTestId("ping-acknowledged")).ToContainTextAsync("1 (100.0 %)");
        await Assertions.Expect(dmPage.GetByTestId("ping-all-answered")).ToBeVisibleAsync();
        await Assertions.Expect(dmPage.GetByTestId("ping-by-state")).ToContainTextAsync("Malta");
        await dmPage.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("ping-results.png"), FullPage = true });

        await dmPage.GotoAsync(web + "/ping");
        await Assertions.Expect(dmPage.GetByTestId("ping-campaigns")).ToContainTextAsync("Points of contact of Malta");
        await dmPage.GotoAsync(web + "/overview");
        await Assertions.Expect(dmPage.GetByTestId("overview-counts")).ToContainTextAsync("Verified");
    }
}
