using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The directory's pages in real Chromium, each role in its own browser: the focal point nominates,
/// the nominee confirms from the e-mailed link, the directory manager approves, the focal point finds
/// the entry. A name with markup and a right-to-left script is shown as text.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DirectoryPagesTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    [Fact]
    public async Task A_focal_point_nominates_the_nominee_confirms_the_manager_approves_and_the_entry_is_found()
    {
        var system = fixture.System;
        var web = system.Url(ResourceNames.Web).ToString().TrimEnd('/');
        var focalPoint = await TestPerson.CreateAsync(system, "web-fp", Roles.FocalPoint, "FRA");
        var manager = await TestPerson.CreateAsync(system, "web-dm", Roles.DirectoryManager);
        var nominee = TestPerson.UniqueEmail("web-nominee");
        var name = $"<b>ليلى</b> Nour {Guid.NewGuid():N}"[..32];

        var fpPage = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await fpPage.GotoAsync(web + "/my-state");
        await SignInPageTests.SignInWithAppAsync(fpPage, focalPoint);
        await Assertions.Expect(fpPage).ToHaveURLAsync(web + "/my-state");
        await Assertions.Expect(fpPage.GetByRole(AriaRole.Heading, new() { Name = "Points of contact of France" })).ToBeVisibleAsync();

        // A first try with a bad number: the error is shown beside the field and nothing is submitted.
        var form = fpPage.GetByTestId("nominate-form");
        await form.GetByLabel("Diplomatic").CheckAsync();
        await form.GetByLabel("Full name").FillAsync(name);
        await form.GetByLabel("Title or position").FillAsync("Deputy director");
        await form.GetByLabel("Organization").FillAsync("Ministry of Foreign Affairs (fictitious)");
        await form.GetByLabel("E-mail address").FillAsync(nominee);
        await form.GetByLabel("Telephone").FillAsync("12");
        await form.GetByLabel("Arabic").CheckAsync();
        await form.GetByLabel("French").CheckAsync();
        await form.GetByLabel("Other languages").FillAsync("German, pt");
        await form.GetByLabel("Time zone").SelectOptionAsync("Europe/Paris");
        await form.GetByLabel("Reachable 24/7").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Submit the nomination" }).ClickAsync();
        // The summary takes the focus and leads to the field, which is marked and described by its message.
        var summary = fpPage.GetByTestId("error-summary");
        await Assertions.Expect(summary).ToBeFocusedAsync();
        await Assertions.Expect(summary).ToContainTextAsync("The nomination cannot be saved yet");
        await summary.GetByRole(AriaRole.Link, new() { Name = "Telephone: '12' is not a valid telephone number" }).ClickAsync();
        await Assertions.Expect(fpPage.Locator("#n-phone")).ToBeFocusedAsync();
        await Assertions.Expect(fpPage.Locator("#n-phone")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(fpPage.Locator("#n-phone-error")).ToContainTextAsync("is not a valid telephone number");
        await Assertions.Expect(fpPage.Locator("#n-phone")).ToHaveAttributeAsync("aria-describedby", "n-phone-error");
        // What was typed stays: the choices too, the other languages by name and code.
        await Assertions.Expect(form.GetByLabel("French")).ToBeCheckedAsync();
        await Assertions.Expect(form.GetByLabel("Other languages")).ToHaveValueAsync("German, pt");
        await Assertions.Expect(form.GetByLabel("Time zone")).ToHaveValueAsync("Europe/Paris");

        form = fpPage.GetByTestId("nominate-form");
        await form.GetByLabel("Telephone").FillAsync("+33 1 44 18 00 00");
        await form.GetByRole(AriaRole.Button, new() { Name = "Submit the nomination" }).ClickAsync();
        await Assertions.Expect(fpPage.GetByTestId("my-state-notice")).ToContainTextAsync("asked to confirm");
        await Assertions.Expect(fpPage.GetByTestId("nominations")).ToContainTextAsync("Waiting for the nominee");
        // Markup in a name is text, never markup.
        Assert.Equal(0, await fpPage.Locator("[data-testid=nominations] b").CountAsync());

        var link = (await Mailbox.WaitForAsync(system, nominee, DirectoryFlow.ConfirmationLink())).Value;
        var nomineePage = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await nomineePage.GotoAsync(link);
        await Assertions.Expect(nomineePage.GetByTestId("confirm-details")).ToContainTextAsync(name);
        // Everything the nominee must check: availability, the alternate flag, numbers formatted for reading.
        await Assertions.Expect(nomineePage.GetByTestId("confirm-details").GetByTestId("availability")).ToHaveTextAsync("Reachable 24/7");
        await Assertions.Expect(nomineePage.GetByTestId("confirm-details")).ToContainTextAsync("Alternate contact");
        await Assertions.Expect(nomineePage.GetByTestId("confirm-details")).ToContainTextAsync("+33 1 44 18 00 00");
        await nomineePage.GetByRole(AriaRole.Button, new() { Name = "I confirm and agree to be listed" }).ClickAsync();
        await Assertions.Expect(nomineePage.GetByTestId("confirm-done")).ToContainTextAsync("Thank you");
        await nomineePage.GotoAsync(link);
        await Assertions.Expect(nomineePage.GetByTestId("confirm-expired")).ToContainTextAsync("If you have already answered, there is nothing more to do");
        Assert.Equal(0, await nomineePage.Locator("[role=alert]").CountAsync()); // said kindly, not as an error

        var dmPage = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await dmPage.GotoAsync(web + "/review");
        await SignInPageTests.SignInWithAppAsync(dmPage, manager);
        await Assertions.Expect(dmPage).ToHaveURLAsync(web + "/review");
        var item = dmPage.GetByTestId("review-item").Filter(new() { HasText = name });
        await item.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(dmPage.GetByTestId("review-notice")).ToContainTextAsync("Approved: ");

        // Listed: the focal point finds the entry and opens it.
        await fpPage.GotoAsync(web + "/directory?q=" + Uri.EscapeDataString(name[^8..]));
        var result = fpPage.GetByTestId("directory-results").GetByRole(AriaRole.Link, new() { Name = name });
        for (var i = 0; i < 50 && await result.CountAsync() == 0; i++)
        {
            await Task.Delay(200);
            await fpPage.ReloadAsync();
        }
        await result.ClickAsync();
        await Assertions.Expect(fpPage.GetByTestId("entry-name")).ToHaveTextAsync(name);
        // Numbers formatted for reading, languages by name, availability in words.
        await Assertions.Expect(fpPage.GetByTestId("entry-facts")).ToContainTextAsync("+33 1 44 18 00 00");
        await Assertions.Expect(fpPage.GetByTestId("entry-facts")).ToContainTextAsync("Arabic, French, German, Portuguese");
        await Assertions.Expect(fpPage.GetByTestId("entry-facts").GetByTestId("availability")).ToHaveTextAsync("Reachable 24/7");
        // The one entry as a card for an address book.
        var card = await fpPage.RunAndWaitForDownloadAsync(() => fpPage.GetByTestId("download-vcard").ClickAsync());
        var vcard = await File.ReadAllTextAsync(await card.PathAsync());
        Assert.StartsWith("BEGIN:VCARD", vcard);
        Assert.Contains("EMAIL;TYPE=work:" + nominee, vcard);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(vcard, "BEGIN:VCARD"));
        Assert.Equal("auto", await fpPage.GetByTestId("entry-name").GetAttributeAsync("dir"));
        await fpPage.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("directory-entry.png"), FullPage = true });

        // Without a query, the directory is offered by regional group and State.
        await fpPage.GotoAsync(web + "/directory");
        var browse = fpPage.GetByTestId("directory-browse");
        await Assertions.Expect(browse.GetByRole(AriaRole.Link, new() { Name = "Western European and other States" })).ToBeVisibleAsync();
        await browse.GetByRole(AriaRole.Link, new() { Name = "France", Exact = true }).ClickAsync();
        await Assertions.Expect(fpPage).ToHaveURLAsync(web + "/directory?state=FRA");
        await Assertions.Expect(fpPage.GetByTestId("directory-results")).ToContainTextAsync("France");
        Assert.Equal(0, await fpPage.GetByTestId("directory-browse").CountAsync()); // a query: the results alone

        // The export is a form post with the antiforgery token: the download holds France's entries. A link
        // (GET) or a post from elsewhere, without the token, exports nothing, even with the person's cookie.
        var download = await fpPage.RunAndWaitForDownloadAsync(() => fpPage.GetByTestId("export-csv").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename);
        Assert.Contains(nominee, await File.ReadAllTextAsync(await download.PathAsync()));
        var viaLink = await fpPage.APIRequest.GetAsync(web + "/directory/export?state=FRA&format=csv");
        Assert.Equal(404, viaLink.Status); // no such page
        Assert.DoesNotContain(nominee, await viaLink.TextAsync());
        var forgedForm = fpPage.APIRequest.CreateFormData();
        forgedForm.Set("state", "FRA");
        forgedForm.Set("format", "csv");
        var withoutToken = await fpPage.APIRequest.PostAsync(web + "/directory/export", new() { Form = forgedForm });
        Assert.Equal(400, withoutToken.Status);
        Assert.DoesNotContain(nominee, await withoutToken.TextAsync());

        // The focal point proposes a change to the listed entry: the form comes filled with its details;
        // the same address needs no new confirmation, so the change goes straight to review.
        await fpPage.GotoAsync(web + "/my-state");
        await fpPage.GetByTestId("listed").GetByRole(AriaRole.Link, new() { Name = $"Propose a change to {name}" }).ClickAsync();
        var change = fpPage.GetByTestId("nominate-form");
        await Assertions.Expect(change.GetByLabel("Full name")).ToHaveValueAsync(name);
        await Assertions.Expect(change.GetByLabel("Telephone")).ToHaveValueAsync("+33144180000");
        // The languages come back as chosen: the official ones ticked, the others by name with their codes.
        await Assertions.Expect(change.GetByLabel("Arabic")).ToBeCheckedAsync();
        await Assertions.Expect(change.GetByLabel("English")).Not.ToBeCheckedAsync();
        await Assertions.Expect(change.GetByLabel("Other languages")).ToHaveValueAsync("German (de), Portuguese (pt)");
        await Assertions.Expect(change.GetByLabel("Time zone")).ToHaveValueAsync("Europe/Paris");
        await change.GetByLabel("Title or position").FillAsync("Director");
        await change.GetByRole(AriaRole.Button, new() { Name = "Submit the change" }).ClickAsync();
        await Assertions.Expect(fpPage.GetByTestId("my-state-notice")).ToContainTextAsync("Submitted for review");
        await Assertions.Expect(fpPage.GetByTestId("nominations").Locator("tr[data-status=PendingReview]")).ToContainTextAsync(name);

        // The manager returns it; the focal point corrects it from the link beside it and resubmits.
        await dmPage.GotoAsync(web + "/review");
        var pending = dmPage.GetByTestId("review-item").Filter(new() { HasText = name });
        await pending.GetByLabel("Reason").FillAsync("Give the full title, please.");
        await pending.GetByRole(AriaRole.Button, new() { Name = "Return for correction" }).ClickAsync();
        await Assertions.Expect(dmPage.GetByTestId("review-notice")).ToContainTextAsync("Returned for correction: ");
        await fpPage.GotoAsync(web + "/my-state");
        await fpPage.GetByRole(AriaRole.Link, new() { Name = $"Correct and resubmit {name}" }).ClickAsync();
        await Assertions.Expect(fpPage.GetByTestId("my-state-notice")).ToContainTextAsync("Give the full title, please.");
        await Assertions.Expect(change.GetByLabel("Title or position")).ToHaveValueAsync("Director");
        await change.GetByLabel("Title or position").FillAsync("Director of International Cyber Policy");
        await change.GetByRole(AriaRole.Button, new() { Name = "Resubmit the nomination" }).ClickAsync();
        await Assertions.Expect(fpPage.GetByTestId("my-state-notice")).ToContainTextAsync("Submitted for review");
    }
}
