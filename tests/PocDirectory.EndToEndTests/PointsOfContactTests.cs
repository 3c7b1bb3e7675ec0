using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Nomination → nominee's confirmation → review → listed in the directory → read, exported, followed
/// by the changes feed → withdrawn, through the gateway with real people's tokens, e-mails and events.
/// FRA is the participating State of these tests; DEU and KEN never get a point of contact.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PointsOfContactTests(SystemFixture fixture)
{
    private RunningSystem System => fixture.System;

    [Fact]
    public async Task A_nomination_goes_from_focal_point_to_nominee_to_review_to_the_directory_and_out_again()
    {
        var focalPoint = await DirectoryFlow.TokenOfAsync(System, "poc-fp", Roles.FocalPoint, "FRA");
        var manager = await DirectoryFlow.TokenOfAsync(System, "poc-dm", Roles.DirectoryManager);
        var otherFocalPoint = await DirectoryFlow.TokenOfAsync(System, "poc-fp-deu", Roles.FocalPoint, "DEU");
        var nominee = TestPerson.UniqueEmail("nominee");
        var name = $"Aïcha <b>Test</b> {Guid.NewGuid():N}"[..40];

        // Another State's focal point cannot nominate for France.
        using (var http = DirectoryFlow.Client(System, otherFocalPoint))
        using (var refused = await http.PostAsJsonAsync("/api/nominations", new { state = "FRA", details = DirectoryFlow.Details(name, nominee), submit = true }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var (id, pocId) = await DirectoryFlow.NominateAsync(System, focalPoint, "FRA", name, nominee);

        // Not in review before the nominee consents.
        using (var http = DirectoryFlow.Client(System, manager))
        {
            Assert.DoesNotContain(await http.GetFromJsonAsync<JsonElement[]>("/api/nominations/review") ?? [], n => n.GetProperty("id").GetGuid() == id);
        }
        var token = await DirectoryFlow.ConfirmAsync(System, nominee);
        using (var anonymous = DirectoryFlow.Client(System, null))
        using (var again = await anonymous.PostAsJsonAsync("/api/nominations/confirmation", new { token, consent = true }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode); // the link works once
        }

        using (var http = DirectoryFlow.Client(System, manager))
        {
            var queue = await http.GetFromJsonAsync<JsonElement[]>("/api/nominations/review") ?? [];
            Assert.Contains(queue, n => n.GetProperty("id").GetGuid() == id);
        }
        using (var noReason = await DirectoryFlow.DecideAsync(System, manager, id, "reject"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
            Assert.Contains("reason", await noReason.Content.ReadAsStringAsync());
        }
        using (var approved = await DirectoryFlow.DecideAsync(System, manager, id, "approve"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }
        using (var late = await DirectoryFlow.DecideAsync(System, manager, id, "reject", "too late"))
        {
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
            Assert.Equal("Approved", (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentStatus").GetString());
        }

        // Listed, found, read with its contact details, in the exports and the feed.
        await DirectoryFlow.WaitForEntryAsync(System, focalPoint, pocId, listed: true);
        using (var http = DirectoryFlow.Client(System, focalPoint))
        {
            var found = await http.GetFromJsonAsync<JsonElement>($"/api/directory/pocs?q={Uri.EscapeDataString(name.Split(' ')[0].ToUpperInvariant().Replace("Ï", "I"))}&state=FRA&pageSize=100");
            Assert.Contains(found.GetProperty("items").EnumerateArray(), e => e.GetProperty("pocId").GetGuid() == pocId);
            Assert.Contains("FRA", found.GetProperty("participatingStates").EnumerateArray().Select(s => s.GetString()));
            var entry = await http.GetFromJsonAsync<JsonElement>($"/api/directory/pocs/{pocId}");
            Assert.Equal(name, entry.GetProperty("details").GetProperty("fullName").GetString());
            Assert.Equal("+33144180000", entry.GetProperty("details").GetProperty("phones")[0].GetProperty("number").GetString());
            var vcard = await http.GetStringAsync("/api/directory/export?format=vcard&state=FRA");
            Assert.Contains($"UID:urn:uuid:{pocId}", vcard);
            var csv = await http.GetStringAsync("/api/directory/export?format=csv&state=FRA");
            Assert.Contains(nominee, csv);
            var feed = await http.GetFromJsonAsync<JsonElement>("/api/directory/changes?after=0&limit=500");
            Assert.Contains(feed.GetProperty("changes").EnumerateArray(), c => c.GetProperty("pocId").GetGuid() == pocId && c.GetProperty("kind").GetString() == "listed");
            var history = await http.GetFromJsonAsync<JsonElement[]>($"/api/directory/pocs/{pocId}/history") ?? [];
            Assert.Equal("listed", Assert.Single(history).GetProperty("kind").GetString());
        }
        // A State that does not participate does not read the directory.
        using (var http = DirectoryFlow.Client(System, otherFocalPoint))
        using (var refused = await http.GetAsync("/api/directory/pocs"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // The focal point heard of the decision; the nominee was invited to an account as a point of contact.
        await Mailbox.WaitForAsync(System, nominee, new global::System.Text.RegularExpressions.Regex("/account/invitation\\?token="));

        // A change: a new version through review, without a new confirmation (same address).
        using (var http = DirectoryFlow.Client(System, focalPoint))
        {
            var changed = DirectoryFlow.Details(name, nominee);
            using var response = await http.PostAsJsonAsync("/api/nominations", new { state = "FRA", pocId, details = changed, submit = true });
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal("PendingReview", body.GetProperty("summary").GetProperty("status").GetString());
            using var second = await http.PostAsJsonAsync("/api/nominations", new { state = "FRA", pocId, details = changed, submit = false });
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode); // one change at a time
            using var approved = await DirectoryFlow.DecideAsync(System, manager, body.GetProperty("summary").GetProperty("id").GetGuid(), "approve");
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        // Withdrawn: out of the directory at once, the history complete.
        using (var http = DirectoryFlow.Client(System, focalPoint))
        using (var withdrawn = await http.PostAsJsonAsync($"/api/nominations/pocs/{pocId}/withdrawal", new { reason = "Left the post" }))
        {
            Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        }
        await DirectoryFlow.WaitForEntryAsync(System, manager, pocId, listed: false);
        using (var http = DirectoryFlow.Client(System, manager))
        {
            var history = await http.GetFromJsonAsync<JsonElement[]>($"/api/directory/pocs/{pocId}/history") ?? [];
            Assert.Equal(["withdrawn", "changed", "listed"], history.Select(v => v.GetProperty("kind").GetString()));
            Assert.Equal([3, 2, 1], history.Select(v => v.GetProperty("version").GetInt32()));
        }
    }

    [Fact]
    public async Task Bad_input_is_refused_field_by_field_and_an_oversized_body_with_413()
    {
        var focalPoint = await DirectoryFlow.TokenOfAsync(System, "poc-bad", Roles.FocalPoint, "FRA");
        using var http = DirectoryFlow.Client(System, focalPoint);
        using var response = await http.PostAsJsonAsync("/api/nominations", new
        {
            state = "FRA",
            submit = true,
            details = new { type = "technical", fullName = "X", title = "Y", organization = "Z", email = "nope", phones = new[] { new { number = "123", kind = "office" } }, languages = new[] { "xx-123-zz" }, timeZone = "Nowhere/City", availability = new { always = true } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "email", "phones[0].number", "languages", "timeZone", "pgpKey" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
        // Nothing was kept: the State's list has no nomination by this name.
        var mine = await http.GetFromJsonAsync<JsonElement>("/api/nominations/states/FRA");
        Assert.DoesNotContain(mine.GetProperty("nominations").EnumerateArray(), n => n.GetProperty("fullName").GetString() == "X");

        using var huge = new StringContent("{\"state\":\"FRA\",\"details\":{\"fullName\":\"" + new string('a', 2 * 1024 * 1024) + "\"}}", global::System.Text.Encoding.UTF8, "application/json");
        // The body is announced first (Expect: 100-continue): the refusal comes before it is sent, so the
        // answer is read whatever the server does with a body it will not take.
        using var oversized = new HttpRequestMessage(HttpMethod.Post, "/api/nominations") { Content = huge };
        oversized.Headers.ExpectContinue = true;
        using var tooLarge = await http.SendAsync(oversized);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    [Fact]
    public async Task The_machine_API_is_described_by_an_OpenAPI_document()
    {
        using var http = DirectoryFlow.Client(System, null);
        var document = await http.GetFromJsonAsync<JsonElement>("/api/directory/openapi/directory.json");
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/directory/pocs", "/api/directory/pocs/{id}", "/api/directory/changes", "/api/directory/export" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not described");
        }
    }
}
