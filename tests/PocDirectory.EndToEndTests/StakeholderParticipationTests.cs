using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Accredited stakeholders take part in the meetings open to them: the Chair's office invites them with the missions,
/// each organization's contact gets the calendar entry and a registration link of its own; participants registered
/// through it wait for the Secretariat's approval; only the approved get the join link; a declined one is told why.
/// Through the gateway, and the same in real Chromium.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class StakeholderParticipationTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    private string Web => fixture.System.Url(ResourceNames.Web).ToString().TrimEnd('/');

    private static readonly Regex RegistrationLink = new(@"/stakeholders/register\?token=([A-Za-z0-9_-]+)");

    /// <summary>An organization with ECOSOC status, accredited once the Secretariat has checked it; its contact's address.</summary>
    private static async Task<string> AccreditedAsync(RunningSystem system, HttpClient anonymous, HttpClient secretariat, string organization, string prefix)
    {
        var contact = TestPerson.UniqueEmail(prefix);
        await StakeholderAccreditationTests.ApplyAndConfirmAsync(system, anonymous, organization, contact, ecosoc: true);
        var application = await StakeholderAccreditationTests.ApplicationOfAsync(secretariat, organization);
        var checkedOne = await MeetingsFlow.JsonAsync(await secretariat.PostAsJsonAsync($"/api/meetings/stakeholders/applications/{application.GetProperty("id").GetGuid()}/check",
            new { revision = application.GetProperty("revision").GetInt32(), complete = true }), HttpStatusCode.OK);
        Assert.Equal("accredited", checkedOne.GetProperty("status").GetString());
        return contact;
    }

    private static object Consultations(string title, int revision, string? joinLink = null) => new
    {
        kind = "consultations-stakeholders", title, format = "virtual", audience = new[] { "stakeholders" },
        time = new { precision = "exact", date = $"{DateTime.UtcNow.Year + 1}-03-02", startTime = "10:00", endTime = "12:00" },
        registrationOpen = true, capacity = 50, perDelegation = 2, joinLink, revision,
    };

    [Fact]
    public async Task Stakeholders_are_invited_register_through_their_link_and_only_those_the_Secretariat_approves_get_the_join_link()
    {
        var system = fixture.System;
        using var anonymous = DirectoryFlow.Client(system, null);
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "part-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        using var secretariat = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "part-dm", Roles.DirectoryManager));
        using var france = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "part-fra", Roles.Delegate, "FRA"));
        var tag = Guid.NewGuid().ToString("N")[..6];
        var organization = $"Institute for Cyber Stability {tag}";
        var contact = await AccreditedAsync(system, anonymous, secretariat, organization, "part-contact");

        var title = $"Informal consultations with stakeholders {tag}";
        var id = await MeetingsFlow.ScheduleAsync(system, chairToken, Consultations(title, 1));
        var invited = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 1 }), HttpStatusCode.OK);
        Assert.True(invited.GetProperty("stakeholdersInvited").GetInt32() >= 1);
        // The contact is a person: the Chair's office sees the organization invited, not its address; the Secretariat sees both.
        var ours = invited.GetProperty("invitees").EnumerateArray().Single(i => i.GetProperty("missionName").GetString() == organization);
        Assert.Equal(("", true), (ours.GetProperty("email").GetString(), ours.GetProperty("stakeholder").GetBoolean()));
        var listed = await MeetingsFlow.JsonAsync(await secretariat.GetAsync($"/api/meetings/{id}/invitations"), HttpStatusCode.OK);
        Assert.Equal(contact, listed.EnumerateArray().Single(i => i.GetProperty("missionName").GetString() == organization).GetProperty("email").GetString());
        // Inviting again sends nothing new to the organization.
        var again = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 1 }), HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("stakeholdersInvited").GetInt32());

        // The invitation: a calendar entry, and the organization's own link to register participants.
        await Mailbox.WaitForAsync(system, contact, new Regex("Subject: Invitation:"));
        var message = Assert.Single(await Mailbox.MessagesToAsync(system, contact), m => m.Subject?.StartsWith("Invitation:", StringComparison.Ordinal) == true);
        Assert.Contains("your organization, accredited as a stakeholder, is invited", message.TextBody);
        Assert.Contains(message.BodyParts, p => p.ContentType.MimeType == "text/calendar" && p.ContentType.Parameters["method"] == "REQUEST");
        var token = RegistrationLink.Match(message.TextBody ?? "").Groups[1].Value;
        Assert.NotEmpty(token);
        // The link is no key to the directory: as a bearer token it opens none of its data.
        using (var asBearer = DirectoryFlow.Client(system, token))
        {
            foreach (var path in new[] { "/api/directory/pocs", "/api/directory/states", "/api/directory/export", "/api/meetings/missions" })
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await asBearer.GetAsync(path)).StatusCode);
            }
        }

        // The link opens the meeting and the organization's (empty) list; an unknown link opens nothing.
        var read = await MeetingsFlow.JsonAsync(await anonymous.PostAsJsonAsync("/api/meetings/stakeholder-registrations/read", new { token }), HttpStatusCode.OK);
        Assert.Equal((organization, title, true, 0), (read.GetProperty("organization").GetString(), read.GetProperty("title").GetString(),
            read.GetProperty("registrationOpen").GetBoolean(), read.GetProperty("participants").GetArrayLength()));
        Assert.Equal(HttpStatusCode.NotFound,
            (await anonymous.PostAsJsonAsync("/api/meetings/stakeholder-registrations/read", new { token = token[..^4] + "AAAA" })).StatusCode);

        // Registration through the link: every field error at once; two participants wait for approval; a third is one too many.
        var refused = await MeetingsFlow.JsonAsync(await anonymous.PostAsJsonAsync("/api/meetings/stakeholder-registrations/participants",
            new { token, email = "not an address", attendance = "in-person" }), HttpStatusCode.BadRequest);
        Assert.Equal(["attendance", "email", "fullName", "function"], refused.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ToArray());
        var (approvedEmail, declinedEmail) = (TestPerson.UniqueEmail("part-approved"), TestPerson.UniqueEmail("part-declined"));
        async Task<JsonElement> RegisterAsync(string fullName, string email, HttpStatusCode expected) =>
            await MeetingsFlow.JsonAsync(await anonymous.PostAsJsonAsync("/api/meetings/stakeholder-registrations/participants",
                new { token, fullName, function = "Director, Cyber Policy", email, attendance = "online" }), expected);
        var toApprove = await RegisterAsync("Amara Approved", approvedEmail, HttpStatusCode.Created);
        Assert.Equal("pending", toApprove.GetProperty("status").GetString());
        var toDecline = await RegisterAsync("Dario Declined", declinedEmail, HttpStatusCode.Created);
        Assert.Equal("Your delegation is complete.", (await RegisterAsync("Third Person", TestPerson.UniqueEmail("part-third"), HttpStatusCode.Conflict))
            .GetProperty("title").GetString());

        // Only the Secretariat decides; the Chair's office and a delegate cannot, and a State's delegate does not see the organization's participants.
        var approveId = toApprove.GetProperty("id").GetGuid();
        var declineId = toDecline.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await chair.PostAsJsonAsync($"/api/meetings/{id}/registrations/{approveId}/decision", new { approve = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await france.PostAsJsonAsync($"/api/meetings/{id}/registrations/{approveId}/decision", new { approve = true })).StatusCode);
        Assert.Equal(0, (await MeetingsFlow.JsonAsync(await france.GetAsync($"/api/meetings/{id}/registrations"), HttpStatusCode.OK)).GetArrayLength());
        var noReason = await MeetingsFlow.JsonAsync(await secretariat.PostAsJsonAsync($"/api/meetings/{id}/registrations/{declineId}/decision", new { approve = false }),
            HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        var approved = await MeetingsFlow.JsonAsync(await secretariat.PostAsJsonAsync($"/api/meetings/{id}/registrations/{approveId}/decision", new { approve = true }), HttpStatusCode.OK);
        Assert.Equal(("approved", organization), (approved.GetProperty("status").GetString(), approved.GetProperty("organization").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await secretariat.PostAsJsonAsync($"/api/meetings/{id}/registrations/{approveId}/decision", new { approve = false, reason = "Too late." })).StatusCode);
        await MeetingsFlow.JsonAsync(await secretariat.PostAsJsonAsync($"/api/meetings/{id}/registrations/{declineId}/decision",
            new { approve = false, reason = "The organization's places are for its own staff." }), HttpStatusCode.OK);
        await Mailbox.WaitForAsync(system, approvedEmail, new Regex($"Subject: Registration approved"));
        await Mailbox.WaitForAsync(system, declinedEmail, new Regex("The organization's places are for its own staff."));

        // The link is disseminated in due course: only the approved participant gets it.
        var joinLink = $"https://meet.example.org/oewg-stakeholders-{Guid.NewGuid():N}";
        await MeetingsFlow.JsonAsync(await chair.PutAsJsonAsync($"/api/meetings/{id}", Consultations(title, 1, joinLink)), HttpStatusCode.OK);
        await Mailbox.WaitForAsync(system, approvedEmail, new Regex(Regex.Escape(joinLink)));
        // The link's e-mails are written in one change, together: the declined participant's would have come with it.
        Assert.DoesNotContain(Mailbox.Texts(system), t => t.Contains($"X-RcptTo: {declinedEmail}", StringComparison.OrdinalIgnoreCase) && t.Contains(joinLink));

        // The Secretariat's list and export hold the organization's participants with their status; the link shows each one's.
        var all = await MeetingsFlow.JsonAsync(await secretariat.GetAsync($"/api/meetings/{id}/registrations"), HttpStatusCode.OK);
        Assert.Equal(["approved", "declined"], all.EnumerateArray().Where(r => r.GetProperty("organization").GetString() == organization)
            .Select(r => r.GetProperty("status").GetString()!).Order().ToArray());
        var csv = await secretariat.GetStringAsync($"/api/meetings/{id}/registrations.csv");
        Assert.Contains($"{organization},Amara Approved", csv);
        Assert.DoesNotContain("Dario Declined", csv);
        var after = await MeetingsFlow.JsonAsync(await anonymous.PostAsJsonAsync("/api/meetings/stakeholder-registrations/read", new { token }), HttpStatusCode.OK);
        Assert.Equal(["approved", "declined"], after.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("status").GetString()!).Order().ToArray());
        Assert.DoesNotContain(approvedEmail, after.GetRawText()); // the link shows no address

        // The organization withdraws its approved participant: the place is free again (a third may now register).
        var withdrawn = await MeetingsFlow.JsonAsync(await anonymous.PostAsJsonAsync("/api/meetings/stakeholder-registrations/withdrawal", new { token, registrationId = approveId }),
            HttpStatusCode.OK);
        Assert.True(withdrawn.TryGetProperty("withdrawnAt", out var at) && at.ValueKind != JsonValueKind.Null);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsJsonAsync("/api/meetings/stakeholder-registrations/withdrawal",
            new { token, registrationId = Guid.NewGuid() })).StatusCode);
        await RegisterAsync("Third Person", TestPerson.UniqueEmail("part-third"), HttpStatusCode.Created);
    }

    [Fact]
    public async Task In_Chromium_a_stakeholder_registers_through_its_link_and_the_Secretariat_declines_with_a_reason_and_approves()
    {
        var system = fixture.System;
        using var anonymous = DirectoryFlow.Client(system, null);
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "part-web-chair", Roles.ChairOffice);
        using var chair = DirectoryFlow.Client(system, chairToken);
        using var secretariatApi = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "part-web-dm-api", Roles.DirectoryManager));
        var tag = Guid.NewGuid().ToString("N")[..6];
        var organization = $"Women in Cyber Network {tag}";
        var contact = await AccreditedAsync(system, anonymous, secretariatApi, organization, "part-web-contact");
        var id = await MeetingsFlow.ScheduleAsync(system, chairToken, Consultations($"Stakeholder dialogue {tag}", 1));
        await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync($"/api/meetings/{id}/invitations", new { revision = 1 }), HttpStatusCode.OK);
        await Mailbox.WaitForAsync(system, contact, new Regex("Subject: Invitation:"));
        var invitation = Assert.Single(await Mailbox.MessagesToAsync(system, contact), m => m.Subject?.StartsWith("Invitation:", StringComparison.Ordinal) == true);
        var link = Regex.Match(invitation.TextBody ?? "", @"https?://\S+/stakeholders/register\?token=[A-Za-z0-9_-]+");
        Assert.True(link.Success, "the invitation holds the registration link");

        var visitor = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await visitor.GotoAsync(Web + "/stakeholders/register?token=unknown-link-of-thirty-characters");
        await Assertions.Expect(visitor.GetByTestId("registration-link-unknown")).ToBeVisibleAsync();
        await visitor.GotoAsync(link.Value);
        await Assertions.Expect(visitor.GetByTestId("registration-organization")).ToHaveTextAsync(organization);
        async Task RegisterAsync(string name, string email)
        {
            await visitor.GetByLabel("Full name").FillAsync(name);
            await visitor.GetByLabel("Function").FillAsync("Programme lead");
            await visitor.GetByLabel("E-mail address").FillAsync(email);
            await visitor.GetByLabel("Online").CheckAsync();
            await visitor.GetByTestId("stakeholder-register").ClickAsync();
            await Assertions.Expect(visitor.GetByTestId("registration-notice")).ToContainTextAsync($"{name} is registered and waits for the Secretariat's approval.");
        }
        await RegisterAsync("Lina Online", TestPerson.UniqueEmail("part-web-lina"));
        await RegisterAsync("Omar Other", TestPerson.UniqueEmail("part-web-omar"));
        await Assertions.Expect(visitor.GetByTestId("stakeholder-participant-status")).ToHaveTextAsync(
            ["Waiting for the Secretariat's approval", "Waiting for the Secretariat's approval"]);

        // The Secretariat sees both waiting on the meeting's page; declining asks for the reason first.
        var secretariat = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await secretariat.GotoAsync(Web + "/letters/new");
        await SignInPageTests.SignInWithAppAsync(secretariat, await TestPerson.CreateAsync(system, "part-web-dm", Roles.DirectoryManager));
        await Chromium.ArrivedAsync(secretariat, url => url.StartsWith(Web + "/", StringComparison.Ordinal));
        await secretariat.GotoAsync(Web + $"/meetings/{id}");
        await Assertions.Expect(secretariat.GetByTestId("pending-count")).ToContainTextAsync("2 participants registered by stakeholders wait");
        await secretariat.GetByRole(AriaRole.Button, new() { Name = "Decline Omar Other…" }).ClickAsync();
        await Assertions.Expect(secretariat.GetByTestId("decline-confirm")).ToContainTextAsync("Decline Omar Other");
        await secretariat.GetByTestId("decline-confirmed").ClickAsync();
        await Assertions.Expect(secretariat.GetByTestId("decline-confirm")).ToContainTextAsync("Give the reason the participant is told.");
        await secretariat.GetByLabel("The reason the participant is told").FillAsync("One place per organization at this dialogue.");
        await secretariat.GetByTestId("decline-confirmed").ClickAsync();
        await Assertions.Expect(secretariat.GetByTestId("decision-notice")).ToHaveTextAsync("Omar Other is declined and told why.");
        await secretariat.GetByRole(AriaRole.Button, new() { Name = "Approve Lina Online" }).ClickAsync();
        await Assertions.Expect(secretariat.GetByTestId("decision-notice")).ToHaveTextAsync("Lina Online is approved and told so.");
        await Assertions.Expect(secretariat.GetByTestId("pending-count")).ToHaveCountAsync(0);

        // The participants' list as a spreadsheet: the approved participant, with the decisions.
        var download = await secretariat.RunAndWaitForDownloadAsync(() => secretariat.GetByTestId("participants-export").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        using (var reader = new StringReader(await File.ReadAllTextAsync(await download.PathAsync())))
        using (var csv = new CsvHelper.CsvReader(reader, System.Globalization.CultureInfo.InvariantCulture))
        {
            var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
            var lina = Assert.Single(rows, r => (string)r["full_name"] == "Lina Online");
            Assert.Equal((organization, "Programme lead", "online", "approved"), ((string)lina["organization"], (string)lina["function"], (string)lina["attendance"], (string)lina["status"]));
            Assert.DoesNotContain(rows, r => (string)r["full_name"] == "Omar Other"); // declined: holds no place
        }

        // The organization's page shows each decision, the reason with the declined one.
        await visitor.GotoAsync(link.Value);
        await Assertions.Expect(visitor.GetByTestId("stakeholder-participant-status")).ToHaveTextAsync(
            ["Approved", "Declined: One place per organization at this dialogue."]);
    }
}
