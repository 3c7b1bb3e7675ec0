using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Periodic update requests through the gateway with real people's tokens and e-mails: the directory
/// manager asks France, its focal point is e-mailed (by Identity, through Notifications), confirms every
/// entry as unchanged in one action, and the request is answered. Another State's focal point neither
/// reads nor answers it. Rounds here name France only, so no other State is e-mailed.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class UpdateRequestsTests(SystemFixture fixture)
{
    private RunningSystem System => fixture.System;

    [Fact]
    public async Task The_manager_asks_France_its_focal_point_is_e_mailed_and_confirms_all_unchanged_in_one_action()
    {
        var manager = await DirectoryFlow.TokenOfAsync(System, "upd-dm", Roles.DirectoryManager);
        var focalPointPerson = await TestPerson.CreateAsync(System, "upd-fp", Roles.FocalPoint, "FRA");
        var focalPoint = (await focalPointPerson.SignInForTokensAsync(System)).GetProperty("access_token").GetString()!;
        var otherFocalPoint = await DirectoryFlow.TokenOfAsync(System, "upd-fp-deu", Roles.FocalPoint, "DEU");
        var pocId = await DirectoryFlow.ListAsync(System, focalPoint, manager, "FRA", "Update Request Listed", TestPerson.UniqueEmail("upd-poc"));

        // Only the directory manager starts a round; a round names its States (or all of them).
        using (var http = DirectoryFlow.Client(System, focalPoint))
        using (var refused = await http.PostAsJsonAsync("/api/nominations/update-requests/rounds", new { states = new[] { "FRA" } }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        Guid requestId;
        using (var http = DirectoryFlow.Client(System, manager))
        {
            using var noStates = await http.PostAsJsonAsync("/api/nominations/update-requests/rounds", new { });
            Assert.Equal(HttpStatusCode.BadRequest, noStates.StatusCode);
            Assert.True((await noStates.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("states", out _));

            using var started = await http.PostAsJsonAsync("/api/nominations/update-requests/rounds", new { states = new[] { "FRA" } });
            var round = await started.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(started.StatusCode == HttpStatusCode.OK, round.ToString());
            Assert.Equal(1, round.GetProperty("asked").GetInt32());

            var current = await http.GetFromJsonAsync<JsonElement>("/api/nominations/states/FRA/update-request");
            Assert.Equal("open", current.GetProperty("summary").GetProperty("status").GetString());
            requestId = current.GetProperty("summary").GetProperty("id").GetGuid();
            Assert.Contains(current.GetProperty("entries").EnumerateArray(), e => e.GetProperty("pocId").GetGuid() == pocId);
        }

        // Identity e-mails each active focal point of France, with the link to the page that answers.
        var mail = await Mailbox.WaitForAsync(System, focalPointPerson.Email, UpdateRequestLink());
        Assert.EndsWith("/my-state/update-request", mail.Value);

        // Another State's focal point neither reads nor answers France's request.
        using (var http = DirectoryFlow.Client(System, otherFocalPoint))
        {
            using var read = await http.GetAsync("/api/nominations/states/FRA/update-request");
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
            using var answer = await http.PostAsJsonAsync("/api/nominations/states/FRA/update-request/confirmations", new { allUnchanged = true });
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
            var own = await http.GetFromJsonAsync<JsonElement[]>("/api/nominations/update-requests") ?? [];
            Assert.DoesNotContain(own, r => r.GetProperty("state").GetString() == "FRA");
        }

        using (var http = DirectoryFlow.Client(System, focalPoint))
        {
            // Bad input is refused field by field, and nothing is recorded.
            using var empty = await http.PostAsJsonAsync("/api/nominations/states/FRA/update-request/confirmations", new { });
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.True((await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("pocIds", out _));
            using var unknown = await http.PostAsJsonAsync("/api/nominations/states/FRA/update-request/confirmations", new { pocIds = new[] { Guid.NewGuid() } });
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("pocIds[0]", out _));

            var mine = await http.GetFromJsonAsync<JsonElement[]>("/api/nominations/update-requests") ?? [];
            var summary = Assert.Single(mine);
            Assert.Equal(("FRA", "open", 0), (summary.GetProperty("state").GetString(), summary.GetProperty("status").GetString(), summary.GetProperty("confirmed").GetInt32()));

            // "All unchanged" is one action.
            using var confirmed = await http.PostAsJsonAsync("/api/nominations/states/FRA/update-request/confirmations", new { allUnchanged = true });
            var body = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(confirmed.StatusCode == HttpStatusCode.OK, body.ToString());
            Assert.Equal("answered", body.GetProperty("summary").GetProperty("status").GetString());
            Assert.All(body.GetProperty("entries").EnumerateArray(), e => Assert.Equal("unchanged", e.GetProperty("outcome").GetString()));

            using var again = await http.PostAsJsonAsync("/api/nominations/states/FRA/update-request/confirmations", new { allUnchanged = true });
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        // The directory manager's overview: France answered; a status that does not exist is refused.
        using (var http = DirectoryFlow.Client(System, manager))
        {
            var answered = await http.GetFromJsonAsync<JsonElement[]>("/api/nominations/update-requests?status=answered") ?? [];
            var france = Assert.Single(answered, r => r.GetProperty("state").GetString() == "FRA");
            Assert.Equal(requestId, france.GetProperty("id").GetGuid());
            Assert.Equal(france.GetProperty("total").GetInt32(), france.GetProperty("confirmed").GetInt32());
            var overdue = await http.GetFromJsonAsync<JsonElement[]>("/api/nominations/update-requests?status=overdue") ?? [];
            Assert.DoesNotContain(overdue, r => r.GetProperty("state").GetString() == "FRA");
            using var bogus = await http.GetAsync("/api/nominations/update-requests?status=late");
            Assert.Equal(HttpStatusCode.BadRequest, bogus.StatusCode);
        }
    }

    [Fact]
    public async Task The_focal_point_answers_on_the_update_request_page_entry_by_entry_and_all_unchanged()
    {
        var web = System.Url(ResourceNames.Web).ToString().TrimEnd('/');
        var manager = await DirectoryFlow.TokenOfAsync(System, "upd-web-dm", Roles.DirectoryManager);
        var focalPointPerson = await TestPerson.CreateAsync(System, "upd-web-fp", Roles.FocalPoint, "FRA");
        var focalPoint = (await focalPointPerson.SignInForTokensAsync(System)).GetProperty("access_token").GetString()!;
        var first = $"Page Entry A {Guid.NewGuid():N}"[..24];
        var second = $"Page Entry B {Guid.NewGuid():N}"[..24];
        await DirectoryFlow.ListAsync(System, focalPoint, manager, "FRA", first, TestPerson.UniqueEmail("upd-web-a"));
        await DirectoryFlow.ListAsync(System, focalPoint, manager, "FRA", second, TestPerson.UniqueEmail("upd-web-b"));
        using (var http = DirectoryFlow.Client(System, manager))
        using (var started = await http.PostAsJsonAsync("/api/nominations/update-requests/rounds", new { states = new[] { "FRA" } }))
        {
            Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        }

        await using var chromium = await Chromium.LaunchAsync();
        var page = await (await chromium.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(web + "/my-state");
        await SignInPageTests.SignInWithAppAsync(page, focalPointPerson);
        await Assertions.Expect(page).ToHaveURLAsync(web + "/my-state");
        await page.GetByTestId("update-request-asked").GetByRole(AriaRole.Link, new() { Name = "Confirm your points of contact" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(web + "/my-state/update-request");
        await Assertions.Expect(page.GetByTestId("update-request-status")).ToHaveAttributeAsync("data-status", "open");

        // One entry confirmed on its own; the other still offers a change.
        var entries = page.GetByTestId("update-request-entries");
        await entries.GetByRole(AriaRole.Button, new() { Name = $"Unchanged {first}" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("update-request-notice")).ToContainTextAsync($"Confirmed as unchanged: {first}");
        await Assertions.Expect(entries.Locator("tr", new() { HasText = first })).ToHaveAttributeAsync("data-outcome", "unchanged");
        await Assertions.Expect(entries.GetByRole(AriaRole.Link, new() { Name = $"Propose a change to {second}" })).ToBeVisibleAsync();

        // The rest in one action: the request is answered.
        await page.GetByRole(AriaRole.Button, new() { Name = "All unchanged" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("update-request-notice")).ToContainTextAsync("update request is answered");
        await Assertions.Expect(page.GetByTestId("update-request-status")).ToHaveAttributeAsync("data-status", "answered");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("update-request.png"), FullPage = true });
        await page.GotoAsync(web + "/my-state");
        Assert.Equal(0, await page.GetByTestId("update-request-asked").CountAsync());

        // The directory manager's overview: France answered, every entry.
        var managerPerson = await TestPerson.CreateAsync(System, "upd-web-dm2", Roles.DirectoryManager);
        var dmPage = await (await chromium.Browser.NewContextAsync()).NewPageAsync();
        await dmPage.GotoAsync(web + "/update-requests?status=answered");
        await SignInPageTests.SignInWithAppAsync(dmPage, managerPerson);
        await Assertions.Expect(dmPage).ToHaveURLAsync(web + "/update-requests?status=answered");
        var france = dmPage.GetByTestId("update-requests").Locator("tr[data-state=FRA]");
        await Assertions.Expect(france).ToHaveAttributeAsync("data-status", "answered");
        var answeredEntries = (await france.Locator("td").Last.InnerTextAsync()).Split(" of "); // France may have more entries than this test's two
        Assert.Equal(answeredEntries[1], answeredEntries[0]);
    }

    [GeneratedRegex(@"http://[^\s<>""]+/my-state/update-request")]
    private static partial Regex UpdateRequestLink();
}
