using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>The Chair's office's pages in real Chromium: scheduling a meeting (a refused form first) and the missions' list.</summary>
[Collection(SystemCollection.Name)]
public sealed class ChairPagesTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    [Fact]
    public async Task The_Chairs_office_schedules_a_meeting_after_a_refusal_that_leads_to_each_field_and_reads_the_missions()
    {
        var system = fixture.System;
        var web = system.Url(ResourceNames.Web).ToString().TrimEnd('/');
        var chair = await TestPerson.CreateAsync(system, "chair-web", Roles.ChairOffice);
        var page = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(web + "/meetings/new");
        await SignInPageTests.SignInWithAppAsync(page, chair);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Schedule a meeting" })).ToBeVisibleAsync();

        var year = DateTime.UtcNow.Year + 1;
        var title = $"Informal consultations {Guid.NewGuid():N}"[..36];
        await page.GetByLabel("Title").FillAsync(title);
        await page.GetByLabel("Day (exact time").FillAsync($"{year}-02-15");
        await page.GetByLabel("Starts at").FillAsync("12:00");
        await page.GetByLabel("Ends at").FillAsync("09:00");
        await page.GetByLabel("Time zone").FillAsync("America/Gotham");
        await page.GetByTestId("schedule-submit").ClickAsync();

        // One summary, each error a link to its field; the fields are marked.
        var summary = page.GetByTestId("schedule-problems");
        await Assertions.Expect(summary).ToContainTextAsync("The meeting cannot be scheduled.");
        await Assertions.Expect(summary.GetByRole(AriaRole.Link, new() { Name = "Ends at" })).ToHaveAttributeAsync("href", "#time-endTime");
        await Assertions.Expect(summary.GetByRole(AriaRole.Link, new() { Name = "Time zone" })).ToHaveAttributeAsync("href", "#time-zone");
        await Assertions.Expect(page.Locator("#time-zone")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#title")).Not.ToHaveAttributeAsync("aria-invalid", "true");

        await page.GetByLabel("Ends at").FillAsync("13:00");
        await page.GetByLabel("Time zone").FillAsync("America/New_York");
        await page.GetByTestId("schedule-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("scheduled")).ToContainTextAsync(title);
        await Assertions.Expect(page.GetByTestId("scheduled")).ToContainTextAsync($"15 February {year}, 12.00 pm to 1.00 pm (NY Time)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ScreenshotPath("meeting-scheduled.png") });

        await page.GotoAsync(web + "/missions");
        await Assertions.Expect(page.Locator("tr[data-state=FRA]")).ToContainTextAsync("Permanent Mission of France to the United Nations");
        Assert.Equal(195, await page.Locator("tr[data-state]").CountAsync());
    }

    [Fact]
    public async Task The_Chairs_office_invites_the_missions_from_the_meeting_page_and_cancels_it_only_after_a_second_step()
    {
        var system = fixture.System;
        var web = system.Url(ResourceNames.Web).ToString().TrimEnd('/');
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "chair-web-dm", Roles.DirectoryManager));
        var jamaica = TestPerson.UniqueEmail("jamaica-mission");
        await MeetingsFlow.JsonAsync(await System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(manager, "/api/meetings/missions/JAM", new { emails = new[] { jamaica } }),
            System.Net.HttpStatusCode.OK);
        var chair = await TestPerson.CreateAsync(system, "chair-invite-web", Roles.ChairOffice);
        var title = $"Consultations {Guid.NewGuid():N}"[..26];
        var id = await MeetingsFlow.ScheduleAsync(system, await DirectoryFlow.TokenOfAsync(system, "chair-web-api", Roles.ChairOffice), MeetingsFlow.ForMemberStates(title));

        var page = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(web + "/meetings/new"); // a page for signed-in people: it leads to the sign-in
        await SignInPageTests.SignInWithAppAsync(page, chair);
        await page.GotoAsync($"{web}/meetings/{id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
        await page.GetByTestId("invite").ClickAsync();
        await Assertions.Expect(page.GetByTestId("meeting-notice")).ToContainTextAsync("addresses invited now");
        await Assertions.Expect(page.GetByTestId("invitation-summary")).ToContainTextAsync("are invited");
        await Mailbox.WaitForAsync(system, jamaica, new(System.Text.RegularExpressions.Regex.Escape($"Subject: Invitation: {title}")));

        // Cancelling asks first, and says what follows; keeping the meeting changes nothing.
        await page.GetByTestId("cancel-ask").ClickAsync();
        var confirm = page.GetByTestId("cancel-confirm");
        await Assertions.Expect(confirm).ToContainTextAsync("This cannot be undone");
        await Assertions.Expect(confirm).ToContainTextAsync("invited addresses are told at once");
        await confirm.GetByRole(AriaRole.Link, new() { Name = "Keep the meeting" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("cancel-ask")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".badge")).ToHaveTextAsync("Confirmed");

        await page.GetByTestId("cancel-ask").ClickAsync();
        await page.GetByLabel("Reason").FillAsync("The room is needed for the General Assembly.");
        await page.GetByTestId("cancel-meeting").ClickAsync();
        await Assertions.Expect(page.Locator(".badge")).ToHaveTextAsync("Cancelled");
        await Assertions.Expect(page.GetByTestId("meeting-notice")).ToContainTextAsync("The meeting is cancelled");
        await Assertions.Expect(page.GetByTestId("invite")).ToHaveCountAsync(0);
        await Mailbox.WaitForAsync(system, jamaica, new(System.Text.RegularExpressions.Regex.Escape($"Subject: Cancelled: {title}")));
    }
}
