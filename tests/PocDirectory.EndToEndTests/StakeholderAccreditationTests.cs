using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CsvHelper;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Stakeholder accreditation on a non-objection basis through the gateway: organizations apply without an account and
/// confirm their contact address; the Secretariat checks (ECOSOC status accredited at once, an incomplete one returned);
/// a round is circulated to every Permanent Mission; a Member State's delegate objects to one applicant; at the deadline
/// the one not objected to is accredited, the other not; each is told, and the public list shows the accredited.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class StakeholderAccreditationTests(SystemFixture fixture)
{
    private static readonly byte[] Letterhead = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    internal static MultipartFormDataContent Application(string organization, string email, bool ecosoc = false, byte[]? letter = null, string fileName = "letter.pdf",
        string website = "https://example.org/about")
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(organization), "organization" },
            { new StringContent(website), "website" },
            { new StringContent("CHE"), "headquarters" },
            { new StringContent("ngo"), "type" },
            { new StringContent(ecosoc ? "true" : "false"), "ecosoc" },
            { new StringContent("Research and training on the security of ICTs."), "purpose" },
            { new StringContent("We run incident response exercises with national CERTs."), "relevance" },
            { new StringContent("Side events at the OEWG since 2021."), "unInteraction" },
            { new StringContent("Ana Contact"), "contactName" },
            { new StringContent(email), "contactEmail" },
        };
        if (ecosoc)
        {
            form.Add(new StringContent("ECOSOC/2019/123"), "ecosocReference");
        }
        var file = new ByteArrayContent(letter ?? Letterhead);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "letter", fileName);
        return form;
    }

    /// <summary>Applies and confirms the contact's address through the link e-mailed; returns nothing (the Secretariat finds it by name).</summary>
    internal static async Task ApplyAndConfirmAsync(RunningSystem system, HttpClient anonymous, string organization, string email, bool ecosoc = false)
    {
        using var form = Application(organization, email, ecosoc);
        await MeetingsFlow.JsonAsync(await anonymous.PostAsync("/api/meetings/stakeholders/applications", form), HttpStatusCode.Accepted);
        var link = await Mailbox.WaitForAsync(system, email, new Regex(@"/stakeholders/confirm\?token=([A-Za-z0-9_-]+)"));
        await MeetingsFlow.JsonAsync(await anonymous.PostAsJsonAsync("/api/meetings/stakeholders/applications/confirmation", new { token = link.Groups[1].Value }), HttpStatusCode.OK);
    }

    internal static async Task<JsonElement> ApplicationOfAsync(HttpClient reader, string organization) =>
        (await MeetingsFlow.JsonAsync(await reader.GetAsync("/api/meetings/stakeholders/applications"), HttpStatusCode.OK)).EnumerateArray()
        .Single(a => a.GetProperty("organization").GetString() == organization);

    [Fact]
    public async Task One_contact_address_sends_three_applications_a_day_however_it_is_written_and_a_fourth_is_refused_until_tomorrow()
    {
        using var anonymous = DirectoryFlow.Client(fixture.System, null);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var email = TestPerson.UniqueEmail("accr-daily");
        foreach (var (n, written) in new[] { (1, email), (2, email.ToUpperInvariant()), (3, char.ToUpperInvariant(email[0]) + email[1..]) })
        {
            using var form = Application($"Daily Limit Institute {n} {tag}", written);
            await MeetingsFlow.JsonAsync(await anonymous.PostAsync("/api/meetings/stakeholders/applications", form), HttpStatusCode.Accepted);
        }
        using var fourth = Application($"Daily Limit Institute 4 {tag}", email);
        using var refused = await anonymous.PostAsync("/api/meetings/stakeholders/applications", fourth);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromDays(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("Too many applications from this address today.", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        // Nothing of the fourth was kept: three applications of this address wait for confirmation.
        Assert.Equal(3L, await fixture.System.ScalarAsync<long>(ResourceNames.MeetingsDb,
            "SELECT count(*) FROM stakeholder_applications WHERE \"Organization\" LIKE @o", ("o", $"Daily Limit Institute % {tag}")));
    }

    [Fact]
    public async Task Organizations_apply_are_checked_circulated_and_accredited_unless_a_Member_State_objects()
    {
        var system = fixture.System;
        using var anonymous = DirectoryFlow.Client(system, null);
        using var secretariat = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "accr-dm", Roles.DirectoryManager));
        using var chair = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "accr-chair", Roles.ChairOffice));
        using var france = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "accr-fra", Roles.Delegate, "FRA"));
        using var pointOfContact = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "accr-poc", Roles.PointOfContact, "FRA"));
        using var germany = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "accr-deu", Roles.Delegate, "DEU"));
        var tag = Guid.NewGuid().ToString("N")[..6];
        var mission = TestPerson.UniqueEmail("accr-mission-nor");
        await MeetingsFlow.JsonAsync(await secretariat.PutAsJsonAsync("/api/meetings/missions/NOR", new { emails = new[] { mission } }), HttpStatusCode.OK);

        // Bad input: every field error at once; a letter that is not a PDF; nothing half-written.
        using (var empty = new MultipartFormDataContent { { new StringContent(""), "organization" } })
        {
            var refused = await MeetingsFlow.JsonAsync(await anonymous.PostAsync("/api/meetings/stakeholders/applications", empty), HttpStatusCode.BadRequest);
            Assert.Equal(["contactEmail", "contactName", "ecosoc", "headquarters", "letter", "organization", "purpose", "relevance", "type", "website"],
                refused.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ToArray());
        }
        using (var notPdf = Application($"Cyber Peace Lab {tag}", TestPerson.UniqueEmail("accr-x"), letter: "<html>letter</html>"u8.ToArray()))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await anonymous.PostAsync("/api/meetings/stakeholders/applications", notPdf)).StatusCode);
        }

        var ecosoc = $"Global Forum on Cyber Expertise {tag}";
        var accepted = $"Cyber Peace Lab {tag}";
        var objected = $"Digital Rights Watch {tag}";
        var incomplete = $"Open Source Security {tag}";
        var contacts = new Dictionary<string, string>
        {
            [ecosoc] = TestPerson.UniqueEmail("accr-gfce"), [accepted] = TestPerson.UniqueEmail("accr-cpl"), [objected] = TestPerson.UniqueEmail("accr-drw"),
            [incomplete] = TestPerson.UniqueEmail("accr-oss"),
        };
        await ApplyAndConfirmAsync(system, anonymous, ecosoc, contacts[ecosoc], ecosoc: true);
        await ApplyAndConfirmAsync(system, anonymous, accepted, contacts[accepted]);
        await ApplyAndConfirmAsync(system, anonymous, objected, contacts[objected]);
        await ApplyAndConfirmAsync(system, anonymous, incomplete, contacts[incomplete]);
        // The same organization again, however written, while its application is open: refused.
        using (var again = Application($"  cyber PEACE lab {tag} ", TestPerson.UniqueEmail("accr-dup")))
        {
            Assert.Equal(HttpStatusCode.Conflict, (await anonymous.PostAsync("/api/meetings/stakeholders/applications", again)).StatusCode);
        }

        // The Secretariat and the Chair's office read applications and their letters; a delegate does not.
        Assert.Equal(HttpStatusCode.Forbidden, (await france.GetAsync("/api/meetings/stakeholders/applications")).StatusCode);
        var application = await ApplicationOfAsync(chair, accepted);
        Assert.Equal(("submitted", contacts[accepted]), (application.GetProperty("status").GetString(), application.GetProperty("contactEmail").GetString()));
        Assert.Equal(Letterhead, await secretariat.GetByteArrayAsync($"/api/meetings/stakeholders/applications/{application.GetProperty("id").GetGuid()}/letter"));

        // The check: only the Secretariat; ECOSOC status is accredited at once; an incomplete one is returned with its reason.
        async Task<JsonElement> CheckAsync(HttpClient who, string organization, bool complete, string? reason, HttpStatusCode expected)
        {
            var found = await ApplicationOfAsync(secretariat, organization);
            return await MeetingsFlow.JsonAsync(await who.PostAsJsonAsync($"/api/meetings/stakeholders/applications/{found.GetProperty("id").GetGuid()}/check",
                new { revision = found.GetProperty("revision").GetInt32(), complete, reason }), expected);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await chair.PostAsJsonAsync($"/api/meetings/stakeholders/applications/{application.GetProperty("id").GetGuid()}/check",
            new { revision = 2, complete = true })).StatusCode);
        Assert.Equal("accredited", (await CheckAsync(secretariat, ecosoc, true, null, HttpStatusCode.OK)).GetProperty("status").GetString());
        await Mailbox.WaitForAsync(system, contacts[ecosoc], new Regex(Regex.Escape($"Subject: {ecosoc} is accredited")));
        await CheckAsync(secretariat, incomplete, false, null, HttpStatusCode.BadRequest);
        Assert.Equal("returned", (await CheckAsync(secretariat, incomplete, false, "The letter is not on letterhead.", HttpStatusCode.OK)).GetProperty("status").GetString());
        await Mailbox.WaitForAsync(system, contacts[incomplete], new Regex("The letter is not on letterhead."));
        var ids = new List<Guid>();
        foreach (var organization in new[] { accepted, objected })
        {
            ids.Add((await CheckAsync(secretariat, organization, true, null, HttpStatusCode.OK)).GetProperty("id").GetGuid());
        }

        // A round to every Permanent Mission, until a deadline in New York time (the minimum is 0 hours here).
        var deadline = SilenceProcedureTests.ExpiryIn(TimeSpan.FromSeconds(20));
        var round = await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/stakeholders/rounds",
            new { title = $"the fifth substantive session {tag}", deadlineDate = deadline.Date, deadlineTime = deadline.Time, applications = ids }), HttpStatusCode.Created);
        var roundId = round.GetProperty("id").GetGuid();
        await Mailbox.WaitForAsync(system, mission, new Regex(Regex.Escape($"Subject: Stakeholder accreditation: the fifth substantive session {tag}")));
        var circulated = (await Mailbox.MessagesToAsync(system, mission)).Single().TextBody ?? "";
        Assert.Contains(accepted, circulated);
        Assert.DoesNotContain(contacts[accepted], circulated); // the contact is not circulated

        // Only a Member State's delegate objects; the objection is its State's to see, and the Chair's office's.
        Assert.Equal(HttpStatusCode.Forbidden, (await pointOfContact.PostAsJsonAsync($"/api/meetings/stakeholders/rounds/{roundId}/objections", new { application = ids[1] })).StatusCode);
        await MeetingsFlow.JsonAsync(await france.PostAsJsonAsync($"/api/meetings/stakeholders/rounds/{roundId}/objections",
            new { application = ids[1], basis = "Its activities are not relevant to the mandate." }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Conflict, (await france.PostAsJsonAsync($"/api/meetings/stakeholders/rounds/{roundId}/objections", new { application = ids[1] })).StatusCode);
        var seenByChair = await MeetingsFlow.JsonAsync(await chair.GetAsync($"/api/meetings/stakeholders/rounds/{roundId}"), HttpStatusCode.OK);
        Assert.Equal("FRA", Assert.Single(seenByChair.GetProperty("objections").EnumerateArray()).GetProperty("state").GetString());
        var seenBySecretariat = await MeetingsFlow.JsonAsync(await secretariat.GetAsync($"/api/meetings/stakeholders/rounds/{roundId}"), HttpStatusCode.OK);
        Assert.Equal("FRA", Assert.Single(seenBySecretariat.GetProperty("objections").EnumerateArray()).GetProperty("state").GetString());
        var seenByGermany = await MeetingsFlow.JsonAsync(await germany.GetAsync($"/api/meetings/stakeholders/rounds/{roundId}"), HttpStatusCode.OK);
        Assert.Empty(seenByGermany.GetProperty("objections").EnumerateArray()); // another State's objection is not Germany's to see
        var seenByPoc = await MeetingsFlow.JsonAsync(await pointOfContact.GetAsync($"/api/meetings/stakeholders/rounds/{roundId}"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, seenByPoc.GetProperty("objections").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/meetings/stakeholders/rounds/{roundId}")).StatusCode);

        // At the deadline: the one not objected to is accredited, the other not; each is told.
        var decided = await Eventually.Until(async () => await MeetingsFlow.JsonAsync(await chair.GetAsync($"/api/meetings/stakeholders/rounds/{roundId}"), HttpStatusCode.OK),
            r => r.GetProperty("status").GetString() == "decided", TimeSpan.FromMinutes(1), "the round decided");
        Assert.Equal(["accredited", "not-accredited"], decided.GetProperty("applicants").EnumerateArray().OrderBy(a => a.GetProperty("organization").GetString())
            .Select(a => a.GetProperty("status").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.Conflict, (await france.PostAsJsonAsync($"/api/meetings/stakeholders/rounds/{roundId}/objections", new { application = ids[0] })).StatusCode);
        await Mailbox.WaitForAsync(system, contacts[accepted], new Regex(Regex.Escape($"Subject: {accepted} is accredited")));
        await Mailbox.WaitForAsync(system, contacts[objected], new Regex(Regex.Escape($"Subject: {objected} is not accredited")));

        // The public list: JSON and CSV, without contacts.
        var list = await MeetingsFlow.JsonAsync(await anonymous.GetAsync("/api/meetings/stakeholders/accredited"), HttpStatusCode.OK);
        var names = list.EnumerateArray().Select(s => s.GetProperty("organization").GetString()).ToList();
        Assert.Contains(ecosoc, names);
        Assert.Contains(accepted, names);
        Assert.DoesNotContain(objected, names);
        Assert.DoesNotContain(incomplete, names);
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, "/api/meetings/stakeholders/accredited");
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        using var csvResponse = await anonymous.SendAsync(csvRequest);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var csvText = await csvResponse.Content.ReadAsStringAsync();
        Assert.DoesNotContain("@example.org", csvText);
        using var csv = new CsvReader(new StringReader(csvText), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        var row = rows.Single(r => (string)r["organization"] == accepted);
        Assert.Equal(("non-objection", "ngo"), ((string)row["basis"], (string)row["type"]));
        Assert.Equal("ecosoc", (string)rows.Single(r => (string)r["organization"] == ecosoc)["basis"]);

        // The Web's public page and its download list them too.
        using var web = new HttpClient { BaseAddress = system.WebOrigin };
        var page = await web.GetStringAsync("/stakeholders");
        Assert.Contains(accepted, page);
        Assert.DoesNotContain(objected, page);
        using var download = await web.GetAsync("/stakeholders/accredited.csv");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        var downloaded = await download.Content.ReadAsStringAsync();
        Assert.Contains(accepted, downloaded);
        Assert.DoesNotContain(objected, downloaded);
    }
}
