using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Stakeholder accreditation in real Chromium: an organization applies on the public form (a letter that is not a PDF
/// refused first) and its contact confirms through the e-mailed link; the Secretariat checks it and circulates a round;
/// a delegate objects to the applicant for its State and takes it back, while the Secretariat sees who objected.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class StakeholderPagesTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    private string Web => fixture.System.Url(ResourceNames.Web).ToString().TrimEnd('/');

    private Task<IPage> SignedInAsync(TestPerson person) => _chromium.SignedInAsync(Web, person, "/letters/new"); // a page for signed-in people: it leads to the sign-in

    [Fact]
    public async Task An_organization_applies_and_confirms_the_Secretariat_checks_and_circulates_it_and_a_delegate_objects_and_withdraws()
    {
        var system = fixture.System;
        using (var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "accr-web-dm-api", Roles.DirectoryManager)))
        {
            await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/IRL", new { emails = new[] { TestPerson.UniqueEmail("accr-web-irl") } }), HttpStatusCode.OK);
        }
        var organization = $"Cyber Policy Institute {Guid.NewGuid():N}"[..31];
        var contact = TestPerson.UniqueEmail("accr-web-contact");

        var visitor = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await visitor.GotoAsync($"{Web}/stakeholders");
        await visitor.GetByTestId("apply-link").ClickAsync();
        await visitor.GetByLabel("Name of the organization").FillAsync(organization);
        await visitor.GetByLabel("Website").FillAsync("https://example.org/cpi");
        await visitor.GetByLabel("Country of headquarters").SelectOptionAsync("KEN");
        await visitor.GetByLabel("Kind of organization").SelectOptionAsync("academia");
        await visitor.GetByLabel("No", new() { Exact = true }).CheckAsync();
        await visitor.GetByLabel("Purpose and programmes").FillAsync("Teaching and research on the security of ICTs.");
        await visitor.GetByLabel("Relevance of its work to ICT security").FillAsync("We train CERT staff across the region.");
        await visitor.GetByLabel("Contact person", new() { Exact = true }).FillAsync("Wanjiru Contact");
        await visitor.GetByLabel("Contact person's e-mail address").FillAsync(contact);
        await visitor.Locator("#application-letter").SetInputFilesAsync(new FilePayload { Name = "letter.pdf", MimeType = "application/pdf", Buffer = "Not a PDF at all"u8.ToArray() });
        await visitor.GetByTestId("send-application").ClickAsync();
        await Assertions.Expect(visitor.GetByTestId("application-refusal")).ToContainTextAsync("The letter must be a PDF.");
        await Assertions.Expect(visitor.GetByLabel("Name of the organization")).ToHaveValueAsync(organization); // kept as typed
        await visitor.Locator("#application-letter").SetInputFilesAsync(new FilePayload
        {
            Name = "letter.pdf", MimeType = "application/pdf", Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"),
        });
        await visitor.GetByTestId("send-application").ClickAsync();
        await Assertions.Expect(visitor.GetByTestId("application-sent")).ToContainTextAsync($"open the link e-mailed to {contact}");

        // The contact opens the e-mailed link: the page asks, and only the button confirms.
        await Mailbox.WaitForAsync(system, contact, new Regex("Subject: Confirm the application"));
        // Read as a mail client reads it (the text is encoded for transport).
        var link = Regex.Match(Assert.Single(await Mailbox.MessagesToAsync(system, contact)).TextBody ?? "", @"https?://\S+/stakeholders/confirm\?token=[A-Za-z0-9_-]+");
        Assert.True(link.Success, "the e-mail holds the confirmation link");
        await visitor.GotoAsync(link.Value);
        await visitor.GetByTestId("confirm-application").ClickAsync();
        await Assertions.Expect(visitor.GetByTestId("application-confirmed")).ToContainTextAsync(organization);
        await visitor.GotoAsync(link.Value);
        await visitor.GetByTestId("confirm-application").ClickAsync();
        await Assertions.Expect(visitor.GetByTestId("application-confirmed-before")).ToContainTextAsync("confirmed already");

        // The Secretariat checks it, then circulates it in a round.
        var secretariat = await SignedInAsync(await TestPerson.CreateAsync(system, "accr-web-dm", Roles.DirectoryManager));
        await secretariat.GotoAsync($"{Web}/stakeholders/applications");
        var card = secretariat.Locator($"article[data-application='{organization}']");
        await Assertions.Expect(card).ToContainTextAsync("Waiting for the Secretariat's check");
        await Assertions.Expect(card).ToContainTextAsync(contact);
        await card.GetByTestId("check-complete").ClickAsync();
        await Assertions.Expect(secretariat.GetByTestId("applications-notice")).ToContainTextAsync($"{organization}: checked, waiting for a round.");
        var year = DateTime.UtcNow.Year + 1;
        var title = $"the sixth session {Guid.NewGuid():N}"[..24];
        var round = secretariat.GetByTestId("round-form");
        await round.GetByLabel("What it is for").FillAsync(title);
        await round.GetByLabel("Day", new() { Exact = true }).FillAsync($"{year}-04-01");
        await round.GetByTestId("circulate-round").ClickAsync();
        await secretariat.WaitForURLAsync(new Regex("/stakeholders/rounds/"));
        await Assertions.Expect(secretariat.GetByTestId("round-status")).ToContainTextAsync($"objections until Thursday, 1 April {year} at 6.00pm (New York time)".Replace("Thursday", new DateTime(year, 4, 1).DayOfWeek.ToString()));
        var roundUrl = secretariat.Url;

        // France's delegate objects, with its basis; the Secretariat sees it; France takes it back.
        var france = await SignedInAsync(await TestPerson.CreateAsync(system, "accr-web-fra", Roles.Delegate, "FRA"));
        await france.GotoAsync(roundUrl);
        var row = france.Locator($"tr[data-applicant='{organization}']");
        await Assertions.Expect(row).Not.ToContainTextAsync(contact); // Member States read the organization, never its contact
        await row.GetByLabel("General basis").FillAsync("Not relevant to the mandate.");
        await row.GetByTestId("object").ClickAsync();
        await Assertions.Expect(france.GetByTestId("round-notice")).ToContainTextAsync("Your State's objection is received");
        await secretariat.ReloadAsync();
        await Assertions.Expect(secretariat.Locator($"tr[data-applicant='{organization}']").GetByTestId("objected-by")).ToContainTextAsync("FRA: Not relevant to the mandate.");
        await france.Locator($"tr[data-applicant='{organization}']").GetByTestId("withdraw-objection").ClickAsync();
        await Assertions.Expect(france.GetByTestId("round-notice")).ToContainTextAsync("Your State's objection is withdrawn.");
        await secretariat.ReloadAsync();
        await Assertions.Expect(secretariat.Locator($"tr[data-applicant='{organization}']").GetByTestId("objected-by")).ToHaveCountAsync(0);
    }
}
