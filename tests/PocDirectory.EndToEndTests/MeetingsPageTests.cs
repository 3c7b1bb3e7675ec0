using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>The schedule page in real Chromium, as the public reads it.</summary>
[Collection(SystemCollection.Name)]
public sealed class MeetingsPageTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    [Fact]
    public async Task The_public_sees_public_meetings_in_New_York_time_and_in_its_own_and_not_the_meetings_for_States()
    {
        var system = fixture.System;
        var chair = await DirectoryFlow.TokenOfAsync(system, "meetings-page-chair", Roles.ChairOffice);
        var year = DateTime.UtcNow.Year + 2;
        var briefing = $"Briefing on the directory {Guid.NewGuid():N}"[..40];
        var closed = $"Closed consultations {Guid.NewGuid():N}"[..40];
        var open = await MeetingsFlow.ScheduleAsync(system, chair, new
        {
            kind = "briefing", title = briefing, format = "virtual", audience = new[] { "member-states", "public" },
            time = new { precision = "exact", date = $"{year}-01-31", startTime = "09:00" },
        });
        await MeetingsFlow.ScheduleAsync(system, chair, MeetingsFlow.ForMemberStates(closed));

        // A reader in Tokyo: 9.00 in New York on 31 January is 23:00 there.
        await using var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { TimezoneId = "Asia/Tokyo", Locale = "en-GB" });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(new Uri(system.Url(ResourceNames.Web), "/meetings?kind=briefing").ToString());
        Assert.Equal(200, response!.Status);
        Assert.Equal("Meetings · Global POC Directory", await page.TitleAsync());

        var row = page.Locator($"tr[data-meeting='{open}']");
        await Assertions.Expect(row).ToContainTextAsync($"{new DateOnly(year, 1, 31):dddd}, 31 January {year}, 9.00 am (NY Time)");
        await Assertions.Expect(row.Locator("time[data-local-time]")).ToContainTextAsync("23:00");
        Assert.Equal("Asia/Tokyo", await row.Locator("time[data-local-time]").GetAttributeAsync("title"));
        Assert.EndsWith($"/api/meetings/{open}.ics", await row.GetByRole(AriaRole.Link, new() { Name = "Calendar file" }).GetAttributeAsync("href"));

        await page.GotoAsync(new Uri(system.Url(ResourceNames.Web), "/meetings").ToString());
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(briefing);
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync(closed);
        Assert.EndsWith("/api/meetings/schedule.ics", await page.GetByTestId("feed").GetAttributeAsync("href"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ScreenshotPath("meetings.png") });
    }

    [Fact]
    public async Task The_public_downloads_a_public_meetings_public_document_from_its_page_and_never_sees_the_others()
    {
        var system = fixture.System;
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "documents-page-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        var year = DateTime.UtcNow.Year + 1;
        var id = await MeetingsFlow.ScheduleAsync(system, chairToken, new
        {
            kind = "townhall", title = $"Townhall with documents {Guid.NewGuid():N}"[..36], format = "virtual", audience = new[] { "member-states", "public" },
            time = new { precision = "day", date = $"{year}-04-20" },
        });
        var text = "Chair's guiding questions for the townhall.\n"u8.ToArray();
        foreach (var (query, content) in new[]
        {
            ("fileName=questions.txt&title=Guiding%20questions&kind=background-paper&public=true", text),
            ("fileName=notes.txt&title=Delegations%20only&kind=other", "Not for the public."u8.ToArray()),
        })
        {
            using var body = new ByteArrayContent(content);
            await MeetingsFlow.JsonAsync(await chair.PostAsync($"/api/meetings/{id}/documents?{query}", body), System.Net.HttpStatusCode.Created);
        }

        var page = await (await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true })).NewPageAsync();
        await page.GotoAsync(new Uri(system.Url(ResourceNames.Web), $"/meetings/{id}").ToString());
        var documents = page.GetByTestId("documents");
        await Assertions.Expect(documents).ToContainTextAsync("Guiding questions");
        await Assertions.Expect(documents).ToContainTextAsync("Background paper · TXT, 1 KB");
        await Assertions.Expect(documents).Not.ToContainTextAsync("Delegations only");
        var download = await page.RunAndWaitForDownloadAsync(() => documents.GetByRole(AriaRole.Link, new() { Name = "Guiding questions" }).ClickAsync());
        Assert.Equal("questions.txt", download.SuggestedFilename);
        Assert.Equal(text, await File.ReadAllBytesAsync((await download.PathAsync())!));
    }

    [Fact]
    public async Task The_year_at_a_glance_puts_each_meeting_in_the_months_it_takes_even_one_known_only_to_the_month()
    {
        var system = fixture.System;
        var chair = await DirectoryFlow.TokenOfAsync(system, "year-view-chair", Roles.ChairOffice);
        var year = DateTime.UtcNow.Year + 3;
        var session = $"Session across months {Guid.NewGuid():N}"[..36];
        var tbc = $"Session in June, tbc {Guid.NewGuid():N}"[..36];
        foreach (var meeting in new object[]
        {
            new { kind = "substantive-session", title = session, format = "in-person", audience = new[] { "member-states", "public" },
                time = new { precision = "days", date = $"{year}-03-30", endDate = $"{year}-04-03" } },
            new { kind = "substantive-session", title = tbc, format = "in-person", audience = new[] { "member-states", "public" }, status = "tentative",
                time = new { precision = "month", month = $"{year}-06" } },
        })
        {
            await MeetingsFlow.ScheduleAsync(system, chair, meeting);
        }

        var page = await _chromium.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(system.Url(ResourceNames.Web), "/meetings").ToString());
        await page.GetByTestId("year-view-link").ClickAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Years" }).GetByRole(AriaRole.Link, new() { Name = year.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ClickAsync();
        var view = page.GetByTestId("year-view");
        await Assertions.Expect(view.GetByRole(AriaRole.Heading, new() { Name = year.ToString(System.Globalization.CultureInfo.InvariantCulture), Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(view.Locator("[data-month='3']")).ToContainTextAsync($"30–31 {session}");
        await Assertions.Expect(view.Locator("[data-month='4']")).ToContainTextAsync($"1–3 {session}");
        await Assertions.Expect(view.Locator("[data-month='6']")).ToContainTextAsync($"tbc {tbc}");
        await Assertions.Expect(view.Locator("[data-month='6']")).ToContainTextAsync("To be confirmed");
        await Assertions.Expect(view.Locator("[data-month='5']")).Not.ToContainTextAsync(session);
        Assert.Equal(12, await view.Locator("[data-month]").CountAsync());
    }
}
