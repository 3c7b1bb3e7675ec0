using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The Chair's office's and the directory manager's work in real Chromium: changing a meeting (a stale form refused
/// first), circulating documents, writing and sending a letter, and keeping the Permanent Missions.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ChairWorkPagesTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    private string Web => fixture.System.Url(ResourceNames.Web).ToString().TrimEnd('/');

    private Task<IPage> SignedInAsync(TestPerson person) => _chromium.SignedInAsync(Web, person, "/missions"); // a page for signed-in people: it leads to the sign-in

    private static async Task SetMissionAsync(HttpClient manager, string state, string email) =>
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync($"/api/meetings/missions/{state}", new { emails = new[] { email } }), HttpStatusCode.OK);

    [Fact]
    public async Task The_Chairs_office_changes_a_meeting_on_its_page_after_a_stale_form_is_refused_and_the_invited_missions_get_the_update()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "change-web-dm", Roles.DirectoryManager));
        var belize = TestPerson.UniqueEmail("belize-mission");
        await SetMissionAsync(manager, "BLZ", belize);
        using var chairApi = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "change-web-api", Roles.ChairOffice));
        var title = $"Consultations {Guid.NewGuid():N}"[..26];
        var id = await MeetingsFlow.ScheduleAsync(system, await DirectoryFlow.TokenOfAsync(system, "change-web-api2", Roles.ChairOffice), MeetingsFlow.ForMemberStates(title));
        var revision = (await MeetingsFlow.JsonAsync(await chairApi.GetAsync($"/api/meetings/{id}"), HttpStatusCode.OK)).GetProperty("revision").GetInt32();
        await MeetingsFlow.JsonAsync(await chairApi.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision }), HttpStatusCode.OK);
        await Mailbox.WaitForAsync(system, belize, new(Regex.Escape($"Subject: Invitation: {title}")));

        var page = await SignedInAsync(await TestPerson.CreateAsync(system, "change-web", Roles.ChairOffice));
        await page.GotoAsync($"{Web}/meetings/{id}");
        await page.GetByTestId("change-meeting").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Change “{title}”" })).ToBeVisibleAsync();
        // The form shows the meeting as it is.
        await Assertions.Expect(page.GetByLabel("Title")).ToHaveValueAsync(title);
        await Assertions.Expect(page.GetByLabel("Starts at")).ToHaveValueAsync("10:00");
        await Assertions.Expect(page.GetByLabel("Kind of meeting")).ToHaveValueAsync("consultations-member-states");

        // Someone else changes the meeting meanwhile: the form read before is refused, and nothing of it is saved.
        var meeting = MeetingsFlow.ForMemberStates(title);
        using (var other = await chairApi.PutAsJsonAsync($"/api/meetings/{id}", JsonWith(meeting, ("description", "The link will be disseminated in due course."), ("revision", revision))))
        {
            await MeetingsFlow.JsonAsync(other, HttpStatusCode.OK);
        }
        await page.GetByLabel("Starts at").FillAsync("11:00");
        await page.GetByLabel("Ends at").FillAsync("14:00");
        await page.GetByTestId("schedule-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("schedule-refusal")).ToContainTextAsync("has changed since you read it");
        var unchanged = await MeetingsFlow.JsonAsync(await chairApi.GetAsync($"/api/meetings/{id}"), HttpStatusCode.OK);
        Assert.Equal("10:00", unchanged.GetProperty("time").GetProperty("startTime").GetString());

        // Read again, the form holds the other change; a bad link is a field error; then the change is saved.
        await page.GetByRole(AriaRole.Link, new() { Name = "Read the meeting again" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Description")).ToHaveValueAsync("The link will be disseminated in due course.");
        await page.GetByLabel("Starts at").FillAsync("11:00");
        await page.GetByLabel("Ends at").FillAsync("14:00");
        await page.GetByLabel("Join link").FillAsync("http://meet.example.org/oewg");
        await page.GetByTestId("schedule-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("schedule-problems").GetByRole(AriaRole.Link, new() { Name = "Join link" })).ToHaveAttributeAsync("href", "#joinLink");
        await Assertions.Expect(page.Locator("#joinLink")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GetByLabel("Join link").FillAsync("https://meet.example.org/oewg");
        await page.GetByTestId("schedule-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("meeting-notice")).ToContainTextAsync("The changes are saved");
        await Assertions.Expect(page.GetByTestId("meeting-when")).ToContainTextAsync("11.00 am to 2.00 pm (NY Time)");
        var changed = await MeetingsFlow.JsonAsync(await chairApi.GetAsync($"/api/meetings/{id}"), HttpStatusCode.OK);
        Assert.True(changed.GetProperty("hasJoinLink").GetBoolean());
        Assert.Equal(revision + 2, changed.GetProperty("revision").GetInt32());

        // The mission's calendar follows the new time: the last update starts at 11.00 New York time.
        var update = await Eventually.Until(
            async () => (await Mailbox.MessagesToAsync(system, belize)).FirstOrDefault(m => (m.Subject ?? "").StartsWith("Updated invitation", StringComparison.Ordinal)
                && (m.TextBody ?? "").Contains("11.00 am", StringComparison.Ordinal)),
            m => m is not null, TimeSpan.FromSeconds(60), "the update of the new time");
        Assert.Contains(title, update!.Subject, StringComparison.Ordinal);
    }

    private static Dictionary<string, object?> JsonWith(object value, params (string Name, object? Value)[] extra)
    {
        var fields = System.Text.Json.JsonSerializer.SerializeToElement(value).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        foreach (var (name, v) in extra)
        {
            fields[name] = v;
        }
        return fields;
    }

    [Fact]
    public async Task The_Chairs_office_circulates_a_document_from_the_meeting_page_is_told_why_a_wrong_file_is_refused_and_replaces_and_withdraws_it()
    {
        var system = fixture.System;
        var title = $"Briefing {Guid.NewGuid():N}"[..21];
        var id = await MeetingsFlow.ScheduleAsync(system, await DirectoryFlow.TokenOfAsync(system, "documents-web-api", Roles.ChairOffice), MeetingsFlow.ForMemberStates(title));
        var page = await SignedInAsync(await TestPerson.CreateAsync(system, "documents-web", Roles.ChairOffice));
        await page.GotoAsync($"{Web}/meetings/{id}");

        // A file whose content is not what its name says is refused, with the service's reason.
        await page.Locator("#document-file").SetInputFilesAsync(new FilePayload { Name = "agenda.pdf", MimeType = "application/pdf", Buffer = Encoding.ASCII.GetBytes("MZ not a PDF at all") });
        await page.GetByLabel("Title").FillAsync("Provisional agenda");
        await page.GetByTestId("upload-document").ClickAsync();
        await Assertions.Expect(page.GetByTestId("document-refusal")).ToContainTextAsync("This kind of file is not accepted.");
        await Assertions.Expect(page.GetByTestId("documents").Locator("li")).ToHaveCountAsync(0);

        await page.Locator("#document-file").SetInputFilesAsync(new FilePayload { Name = "agenda.pdf", MimeType = "application/pdf", Buffer = Pdf("Provisional agenda") });
        await page.GetByLabel("Title").FillAsync("Provisional agenda");
        await page.GetByLabel("Kind of document").SelectOptionAsync("agenda");
        await page.GetByTestId("upload-document").ClickAsync();
        await Assertions.Expect(page.GetByTestId("document-notice")).ToContainTextAsync("“Provisional agenda” is circulated to signed-in people.");
        var item = page.GetByTestId("documents").Locator("li");
        await Assertions.Expect(item).ToHaveCountAsync(1);
        await Assertions.Expect(item).ToContainTextAsync("Agenda · PDF");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ScreenshotPath("meeting-documents.png"), FullPage = true });

        // A second document; then a new version of the first replaces what is read, and the earlier one is kept.
        await page.Locator("#document-file").SetInputFilesAsync(new FilePayload { Name = "background.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes("Background paper on confidence-building measures.") });
        await page.GetByLabel("Title").FillAsync("Background paper");
        await page.GetByLabel("Kind of document").SelectOptionAsync("background-paper");
        await page.GetByTestId("upload-document").ClickAsync();
        await Assertions.Expect(page.GetByTestId("documents").Locator("li")).ToHaveCountAsync(2);
        await page.GetByLabel("Document", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Provisional agenda (now version 1)" });
        await page.Locator("#version-file").SetInputFilesAsync(new FilePayload { Name = "agenda-rev1.pdf", MimeType = "application/pdf", Buffer = Pdf("Provisional agenda, revised") });
        await page.GetByTestId("upload-version").ClickAsync();
        await Assertions.Expect(page.GetByTestId("document-notice")).ToContainTextAsync("is at version 2");
        await Assertions.Expect(page.GetByTestId("documents").Locator("li", new() { HasText = "Provisional agenda" })).ToContainTextAsync("version 2");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("documents").GetByRole(AriaRole.Link, new() { Name = "Provisional agenda" }).ClickAsync());
        var saved = await download.PathAsync();
        Assert.Equal(Pdf("Provisional agenda, revised"), await File.ReadAllBytesAsync(saved));

        var agenda = page.GetByTestId("documents").Locator("li", new() { HasText = "Provisional agenda" });
        await agenda.Locator("summary").ClickAsync();
        await agenda.GetByTestId("withdraw-document").ClickAsync();
        await Assertions.Expect(page.GetByTestId("document-notice")).ToContainTextAsync("“Provisional agenda” is withdrawn, with every version.");
        await Assertions.Expect(page.GetByTestId("documents").Locator("li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("documents").Locator("li")).ToContainTextAsync("Background paper");
    }

    private static byte[] Pdf(string text) => Encoding.ASCII.GetBytes($"%PDF-1.4\n% {text}\n%%EOF\n");

    [Fact]
    public async Task The_Chairs_office_writes_a_letter_after_a_refusal_reads_it_and_sends_it_after_a_second_step_to_every_mission()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "letter-web-dm", Roles.DirectoryManager));
        var fiji = TestPerson.UniqueEmail("fiji-mission");
        await SetMissionAsync(manager, "FJI", fiji);
        var meetingTitle = $"Townhall {Guid.NewGuid():N}"[..21];
        var meeting = await MeetingsFlow.ScheduleAsync(system, await DirectoryFlow.TokenOfAsync(system, "letter-web-api", Roles.ChairOffice), MeetingsFlow.ForMemberStates(meetingTitle));
        var page = await SignedInAsync(await TestPerson.CreateAsync(system, "letter-web", Roles.ChairOffice));
        await page.GotoAsync(Web + "/letters");
        await page.GetByTestId("write-letter").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Write a letter" })).ToBeVisibleAsync();

        // The subject is missing (the browser's own check is lifted so that the service's is seen).
        var subject = $"Programme of work {Guid.NewGuid():N}"[..30];
        await page.Locator("#letter-subject").EvaluateAsync("e => e.removeAttribute('required')");
        await page.GetByLabel("Body").FillAsync("I have the honour to share the programme of work for the coming months.\n\nThe schedule is annexed.");
        await page.Locator($"input[name='Form.Annex[{meeting}]']").CheckAsync();
        await page.GetByTestId("save-letter").ClickAsync();
        await Assertions.Expect(page.GetByTestId("letter-problems").GetByRole(AriaRole.Link, new() { Name = "Subject" })).ToHaveAttributeAsync("href", "#letter-subject");
        // What was typed and chosen is kept.
        await Assertions.Expect(page.GetByLabel("Body")).ToHaveValueAsync(new Regex("programme of work"));
        await Assertions.Expect(page.Locator($"input[name='Form.Annex[{meeting}]']")).ToBeCheckedAsync();

        await page.GetByLabel("Subject").FillAsync(subject);
        await page.GetByTestId("save-letter").ClickAsync();
        await Assertions.Expect(page.GetByTestId("letter-notice")).ToContainTextAsync("The draft is saved.");
        var text = page.GetByTestId("letter-text");
        await Assertions.Expect(text).ToContainTextAsync("Excellency,");
        await Assertions.Expect(text).ToContainTextAsync(meetingTitle);

        // A change of the draft, then sending in two steps, which says whom it reaches.
        await page.GetByTestId("edit-letter").ClickAsync();
        await Assertions.Expect(page.GetByLabel("Subject")).ToHaveValueAsync(subject);
        await page.GetByLabel("Enclosure").FillAsync("Annex: Programme of work");
        await page.GetByTestId("save-letter").ClickAsync();
        await Assertions.Expect(page.GetByTestId("letter-text")).ToContainTextAsync("Annex: Programme of work");
        await page.GetByTestId("send-ask").ClickAsync();
        await Assertions.Expect(page.GetByTestId("send-reach")).ToContainTextAsync(new Regex(@"It goes to \d+ missions at \d+ addresses"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Not yet" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("send-ask")).ToBeVisibleAsync();
        await page.GetByTestId("send-ask").ClickAsync();
        await page.GetByTestId("send-letter").ClickAsync();
        await Assertions.Expect(page.GetByTestId("letter-notice")).ToContainTextAsync("The letter is sent");
        await Assertions.Expect(page.GetByTestId("edit-letter")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("acknowledged")).ToHaveTextAsync("0");

        var copy = await Eventually.Until(async () => (await Mailbox.MessagesToAsync(system, fiji)).SingleOrDefault(), m => m is not null, TimeSpan.FromSeconds(60), "Fiji's copy");
        Assert.Contains(subject, copy!.Subject, StringComparison.Ordinal);
        Assert.Contains("programme of work for the coming months", copy.TextBody ?? "", StringComparison.Ordinal);

        // A sent letter is not changed again: its edit page says so.
        await page.GotoAsync(page.Url.Split('?')[0] + "/edit");
        await Assertions.Expect(page.GetByTestId("letter-sent")).ToContainTextAsync("has been sent");
    }

    [Fact]
    public async Task The_directory_manager_imports_missions_with_a_report_of_each_refused_row_and_changes_one_while_the_Chairs_office_only_reads()
    {
        var system = fixture.System;
        var page = await SignedInAsync(await TestPerson.CreateAsync(system, "missions-web", Roles.DirectoryManager));
        await page.GotoAsync(Web + "/missions");
        var nauru = TestPerson.UniqueEmail("nauru-mission");
        var csv = $"state,name,emails\nNRU,Permanent Mission of the Republic of Nauru to the United Nations,{nauru}\nXXX,Nowhere,a@example.org\nTUV,,not-an-address\n";
        await page.Locator("summary", new() { HasText = "Import missions" }).ClickAsync();
        await page.Locator("#import-file").SetInputFilesAsync(new FilePayload { Name = "missions.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByTestId("import-missions").ClickAsync();
        await Assertions.Expect(page.GetByTestId("import-report")).ToContainTextAsync("refused");
        var refused = page.GetByTestId("import-refused").Locator("tbody tr");
        await Assertions.Expect(refused).ToHaveCountAsync(2);
        await Assertions.Expect(refused.Nth(0)).ToContainTextAsync("3");
        await Assertions.Expect(refused.Nth(1)).ToContainTextAsync("TUV");
        await Assertions.Expect(page.Locator("tr[data-state=NRU]")).ToContainTextAsync(nauru);

        // One mission by hand: a bad address is a field error, then two addresses are saved.
        await page.Locator("tr[data-state=NRU]").GetByTestId("change-mission").ClickAsync();
        await page.GetByLabel("Official addresses").FillAsync($"{nauru}\nnot an address");
        await page.GetByTestId("save-mission").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mission-problems")).ToBeVisibleAsync();
        var second = TestPerson.UniqueEmail("nauru-second");
        await page.GetByLabel("Official addresses").FillAsync($"{nauru}\n{second}");
        await page.GetByTestId("save-mission").ClickAsync();
        await Assertions.Expect(page.GetByTestId("mission-saved")).ToContainTextAsync("NRU");
        await Assertions.Expect(page.Locator("tr[data-state=NRU]")).ToContainTextAsync(second);

        // The Chair's office reads the list but neither imports nor changes.
        var chair = await SignedInAsync(await TestPerson.CreateAsync(system, "missions-web-chair", Roles.ChairOffice));
        await chair.GotoAsync(Web + "/missions");
        await Assertions.Expect(chair.Locator("tr[data-state=NRU]")).ToContainTextAsync(second);
        await Assertions.Expect(chair.GetByTestId("import-missions")).ToHaveCountAsync(0);
        await Assertions.Expect(chair.GetByTestId("change-mission")).ToHaveCountAsync(0);
        await chair.GotoAsync(Web + "/missions/NRU");
        await Assertions.Expect(chair.GetByTestId("save-mission")).ToHaveCountAsync(0);
        await Assertions.Expect(chair.GetByRole(AriaRole.Heading, new() { Name = "Not available to you" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_delegate_reaches_none_of_the_Chairs_office_pages_and_someone_signed_out_is_led_to_the_sign_in()
    {
        var system = fixture.System;
        var meetingTitle = $"Gate {Guid.NewGuid():N}"[..13];
        var id = await MeetingsFlow.ScheduleAsync(system, await DirectoryFlow.TokenOfAsync(system, "pages-gate-chair", Roles.ChairOffice), MeetingsFlow.ForMemberStates(meetingTitle));
        var letter = await MeetingsFlow.DraftAsync(system, await DirectoryFlow.TokenOfAsync(system, "pages-gate-chair2", Roles.ChairOffice), MeetingsFlow.Letter($"Gate {Guid.NewGuid():N}"[..13]));
        string[] pages = ["/meetings/new", $"/meetings/{id}/edit", "/letters/new", $"/letters/{letter}/edit", "/missions", "/missions/FRA"];

        var anonymous = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        foreach (var path in pages)
        {
            await anonymous.GotoAsync(Web + path);
            await Assertions.Expect(anonymous.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        }

        var delegatePage = await SignedInAsync(await TestPerson.CreateAsync(system, "pages-gate-delegate", Roles.Delegate, "FRA"));
        foreach (var path in pages)
        {
            await delegatePage.GotoAsync(Web + path);
            await Assertions.Expect(delegatePage.GetByRole(AriaRole.Heading, new() { Name = "Not available to you" })).ToBeVisibleAsync();
        }
        // The meeting's own page shows a delegate no button of the Chair's office.
        await delegatePage.GotoAsync($"{Web}/meetings/{id}");
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Heading, new() { Name = meetingTitle })).ToBeVisibleAsync();
        await Assertions.Expect(delegatePage.GetByTestId("change-meeting")).ToHaveCountAsync(0);
        await Assertions.Expect(delegatePage.GetByTestId("upload-document")).ToHaveCountAsync(0);
        await Assertions.Expect(delegatePage.GetByTestId("invite")).ToHaveCountAsync(0);
    }
}
