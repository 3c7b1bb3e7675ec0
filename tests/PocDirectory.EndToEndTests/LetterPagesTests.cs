using System.Net.Http.Json;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>The letters' archive in real Chromium, as the public reads it.</summary>
[Collection(SystemCollection.Name)]
public sealed class LetterPagesTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    [Fact]
    public async Task A_sent_public_letter_is_in_the_archive_and_reads_as_a_letter_and_a_draft_is_not()
    {
        var system = fixture.System;
        var chair = await DirectoryFlow.TokenOfAsync(system, "letter-pages-chair", Roles.ChairOffice);
        var subject = $"Informal briefing {Guid.NewGuid():N}"[..30];
        var draft = $"Unsent draft {Guid.NewGuid():N}"[..26];
        var id = await MeetingsFlow.DraftAsync(system, chair, MeetingsFlow.Letter(subject, isPublic: true));
        await MeetingsFlow.DraftAsync(system, chair, MeetingsFlow.Letter(draft, isPublic: true));
        using (var http = DirectoryFlow.Client(system, chair))
        {
            using var sent = await http.PostAsJsonAsync($"/api/meetings/letters/{id}/sending", new { revision = 1 });
            Assert.Equal(System.Net.HttpStatusCode.OK, sent.StatusCode);
        }

        var page = await _chromium.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(system.Url(ResourceNames.Web), "/letters").ToString());
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(subject);
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync(draft);

        await page.GetByRole(AriaRole.Link, new() { Name = subject }).ClickAsync();
        await Chromium.ArrivedAsync(page, $"**/letters/{id}");
        var text = page.GetByTestId("letter-text");
        await Assertions.Expect(text).ToContainTextAsync("Excellency,");
        await Assertions.Expect(text).ToContainTextAsync("All Permanent Representatives and Permanent Observers to the United Nations");
        // The delivery is the Chair's office's to see, not the public's.
        await Assertions.Expect(page.GetByTestId("undeliverable")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ScreenshotPath("letter.png"), FullPage = true });
    }

    [Fact]
    public async Task A_mission_acknowledges_receipt_from_its_copys_link_with_a_button_and_a_second_click_is_told_it_was_done()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "letter-ack-dm", Roles.DirectoryManager));
        var uruguay = TestPerson.UniqueEmail("uruguay-mission");
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/URY", new { emails = new[] { uruguay } }), System.Net.HttpStatusCode.OK);
        var chair = await DirectoryFlow.TokenOfAsync(system, "letter-ack-chair", Roles.ChairOffice);
        var subject = $"Acknowledged letter {Guid.NewGuid():N}"[..32];
        var id = await MeetingsFlow.DraftAsync(system, chair, MeetingsFlow.Letter(subject));
        using (var http = DirectoryFlow.Client(system, chair))
        {
            await MeetingsFlow.JsonAsync(await http.PostAsJsonAsync($"/api/meetings/letters/{id}/sending", new { revision = 1 }), System.Net.HttpStatusCode.OK);
        }
        await Mailbox.WaitForAsync(system, uruguay, new System.Text.RegularExpressions.Regex("acknowledge"));
        var copy = Assert.Single(await Mailbox.MessagesToAsync(system, uruguay));
        var link = System.Text.RegularExpressions.Regex.Match(copy.TextBody ?? "", @"http://\S+/letters/acknowledge\?token=\S+").Value;
        Assert.StartsWith(system.Url(ResourceNames.Web).ToString().TrimEnd('/'), link);

        // Opening the link records nothing (a mail scanner opens links too); the button does.
        var page = await _chromium.Browser.NewPageAsync();
        await page.GotoAsync(link);
        await page.GetByTestId("acknowledge-letter").ClickAsync();
        await Assertions.Expect(page.GetByTestId("letter-acknowledged")).ToContainTextAsync(subject);
        await Assertions.Expect(page.GetByTestId("letter-acknowledged")).ToContainTextAsync("Permanent Mission of Uruguay to the United Nations");
        await page.GotoAsync(link);
        await page.GetByTestId("acknowledge-letter").ClickAsync();
        await Assertions.Expect(page.GetByTestId("letter-acknowledged-before")).ToContainTextAsync("acknowledged receipt on");
    }
}
