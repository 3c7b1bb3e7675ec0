using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>A delegate's pages in real Chromium: registering the State's participants in a meeting, within its limit.</summary>
[Collection(SystemCollection.Name)]
public sealed class DelegatePagesTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    [Fact]
    public async Task A_delegate_registers_a_participant_is_told_when_the_delegation_is_complete_and_withdraws_one()
    {
        var system = fixture.System;
        var web = system.Url(ResourceNames.Web).ToString().TrimEnd('/');
        var chair = await DirectoryFlow.TokenOfAsync(system, "delegate-page-chair", Roles.ChairOffice);
        var id = await MeetingsFlow.ScheduleAsync(system, chair, new
        {
            kind = "consultations-member-states", title = "Hybrid informal consultations on the directory", format = "hybrid", room = "Conference Room 4",
            audience = new[] { "member-states" }, registrationOpen = true, perDelegation = 1,
            time = new { precision = "exact", date = $"{DateTime.UtcNow.Year + 1}-03-02", startTime = "10:00", endTime = "13:00" },
        });
        var delegatePerson = await TestPerson.CreateAsync(system, "delegate-web", Roles.Delegate, "BRA");
        var page = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync($"{web}/signin?returnUrl={Uri.EscapeDataString($"/meetings/{id}")}");
        await SignInPageTests.SignInWithAppAsync(page, delegatePerson);
        await Chromium.ArrivedAsync(page, $"**/meetings/{id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your delegation (BRA)" })).ToBeVisibleAsync();

        await page.GetByLabel("Full name").FillAsync("Ana Souza");
        await page.GetByLabel("Function").FillAsync("Counsellor, Permanent Mission of Brazil");
        await page.GetByLabel("E-mail address").FillAsync(TestPerson.UniqueEmail("ana-souza"));
        await page.GetByLabel("In person").CheckAsync();
        await page.GetByTestId("register").ClickAsync();
        await Assertions.Expect(page.GetByTestId("participants")).ToContainTextAsync("Ana Souza");

        // The delegation's own overview, from the navigation: the meeting with its participant, linked back to it.
        await page.GetByRole(AriaRole.Link, new() { Name = "My delegation" }).ClickAsync();
        var meeting = page.GetByTestId("delegation-meeting").Filter(new() { HasText = "Hybrid informal consultations on the directory" });
        await Assertions.Expect(meeting.GetByTestId("delegation-participant")).ToHaveCountAsync(1);
        await Assertions.Expect(meeting.GetByTestId("delegation-participant").Locator("td")).ToHaveTextAsync(["Ana Souza", "Counsellor, Permanent Mission of Brazil", "In person"]);
        await Assertions.Expect(meeting).ToContainTextAsync("registration open");
        await meeting.GetByRole(AriaRole.Link, new() { Name = "Hybrid informal consultations on the directory" }).ClickAsync();
        // The Web's enhanced navigation changes the address without a new document: wait for the address, not for a load.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/meetings/{id}#participants$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your delegation (BRA)" })).ToBeVisibleAsync();

        await page.GetByLabel("Full name").FillAsync("Bruno Lima");
        await page.GetByLabel("Function").FillAsync("First Secretary");
        await page.GetByLabel("E-mail address").FillAsync(TestPerson.UniqueEmail("bruno-lima"));
        await page.GetByLabel("Online").CheckAsync();
        await page.GetByTestId("register").ClickAsync();
        await Assertions.Expect(page.GetByTestId("registration-refusal")).ToContainTextAsync("The delegation is complete.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw" }).ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Nobody is registered for your State yet.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ScreenshotPath("delegation.png"), FullPage = true });
    }

    [Fact]
    public async Task A_delegate_makes_a_calendar_address_sees_it_once_and_stops_it()
    {
        var system = fixture.System;
        var web = system.Url(ResourceNames.Web).ToString().TrimEnd('/');
        var delegatePerson = await TestPerson.CreateAsync(system, "delegate-feed-web", Roles.Delegate, "CHL");
        var page = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync($"{web}/signin?returnUrl={Uri.EscapeDataString("/meetings")}");
        await SignInPageTests.SignInWithAppAsync(page, delegatePerson);
        await Chromium.ArrivedAsync(page, "**/meetings");
        await page.GetByTestId("make-feed").ClickAsync();
        var url = await page.GetByTestId("own-feed-url").InputValueAsync();
        Assert.Contains("/api/meetings/feed.ics?token=", url);
        using var calendar = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await calendar.GetAsync(url)).StatusCode);

        // Shown once: the page read again says a feed exists, without its address.
        await page.GotoAsync($"{web}/meetings");
        await Assertions.Expect(page.GetByTestId("own-feed")).ToContainTextAsync("You made your calendar address on");
        await Assertions.Expect(page.GetByTestId("own-feed-url")).ToHaveCountAsync(0);
        await page.GetByTestId("revoke-feed").ClickAsync();
        await Assertions.Expect(page.GetByTestId("make-feed")).ToHaveTextAsync("Make my calendar address");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await calendar.GetAsync(url)).StatusCode);
    }
}
