using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The operations team's page in real Chromium: every service, server, objective and queue as Prometheus sees them, a
/// ping test's delivery as it runs, and no person's contact details on it, on any page the operations role reaches or in
/// any answer of the APIs open to it; other roles are refused it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class OperationsPageTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    private string Web => fixture.System.Url(ResourceNames.Web).ToString().TrimEnd('/');

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex EmailAddress();

    [Fact]
    public async Task Operations_sees_each_service_server_objective_and_queue_and_no_persons_address_anywhere_it_reaches()
    {
        var system = fixture.System;
        var person = await TestPerson.CreateAsync(system, "ops-web", Roles.Operations);
        var page = await _chromium.SignedInAsync(Web, person, "/operations");
        await page.GotoAsync(Web + "/operations");

        Assert.Equal("Operations", await page.Locator("h1").InnerTextAsync());
        foreach (var service in new[] { ResourceNames.Gateway, ResourceNames.Web, ResourceNames.Identity, ResourceNames.Directory,
                     ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings })
        {
            Assert.Equal("Up", await page.Locator($"[data-service='{service}'] td").Nth(1).InnerTextAsync());
            Assert.Matches(@"^\d+\.\d+\.\d+", await page.Locator($"[data-service='{service}'] td").Nth(2).InnerTextAsync()); // its build's version
        }
        // Messages flowed: Notifications consumed this test's invitation e-mail within the hour.
        var consumed = await page.Locator("[data-flow='notifications'] td").Nth(2).InnerTextAsync();
        Assert.True(int.Parse(consumed, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture) > 0, consumed);
        foreach (var server in new[] { ResourceNames.Postgres, ResourceNames.Messaging, ResourceNames.Cache })
        {
            Assert.Equal("Up", await page.Locator($"[data-server='{server}'] td").Nth(2).InnerTextAsync());
        }
        Assert.Equal(4, await page.Locator("[data-testid='operations-budgets'] tbody tr").CountAsync());
        // Every queue of the broker is counted (those with messages waiting, and any error queue, by name), and the
        // charts drew the services' requests.
        var queues = Regex.Match(await page.Locator("[data-testid='operations-queues']").InnerTextAsync(), @"Every other queue \((\d+)\)");
        Assert.True(queues.Success && int.Parse(queues.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 10, queues.Value);
        Assert.True(await page.Locator("[data-testid='operations-chart-requests'] polyline").CountAsync() >= 1);
        Assert.Contains(ResourceNames.Gateway, await page.Locator("[data-testid='operations-chart-requests'] table").InnerTextAsync()); // this test's own sign-in went through it
        Assert.True(await page.Locator("[data-testid='operations-alerts'], [data-testid='operations-no-alerts']").CountAsync() == 1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ScreenshotPath("operations.png"), FullPage = true });

        // No address but the signed-in person's own, here or on any page the navigation offers the operations role.
        var visited = new List<string>();
        var links = await page.Locator("nav a[href^='/']").EvaluateAllAsync<string[]>("links => links.map(l => l.getAttribute('href'))");
        foreach (var path in links.Prepend("/operations").Distinct())
        {
            await page.GotoAsync(Web + path);
            var addresses = EmailAddress().Matches(await page.ContentAsync()).Select(m => m.Value)
                .Where(a => !a.Equals(person.Email, StringComparison.OrdinalIgnoreCase)).Distinct().ToList();
            Assert.True(addresses.Count == 0, $"{path} shows {string.Join(", ", addresses)}");
            visited.Add(path);
        }
        Assert.Contains("/operations", visited);
        Assert.Contains("/member-states", visited);
        Assert.DoesNotContain("/directory", visited); // the directory's entries are not the operations role's
    }

    [Fact]
    public async Task During_a_ping_test_Operations_sees_its_delivery_the_work_waiting_token_checks_caches_and_e_mails_age_in_counts_only()
    {
        var system = fixture.System;
        var manager = await DirectoryFlow.TokenOfAsync(system, "ops-ping-dm", Roles.DirectoryManager);
        var focalPoint = await DirectoryFlow.TokenOfAsync(system, "ops-ping-fp", Roles.FocalPoint, "MNG");
        var first = TestPerson.UniqueEmail("ops-ping-first");
        await DirectoryFlow.ListAsync(system, focalPoint, manager, "MNG", "Bat-Erdene Gansukh", first);
        await DirectoryFlow.ListAsync(system, focalPoint, manager, "MNG", "Oyunchimeg Dorj", TestPerson.UniqueEmail("ops-ping-second"));
        using var dm = DirectoryFlow.Client(system, manager);
        int asked;
        using (var started = await dm.PostAsJsonAsync("/api/directory/ping/campaigns", new { states = new[] { "MNG" } }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, started.StatusCode);
            asked = (await started.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("asked").GetInt32(); // other tests list for MNG too
            Assert.True(asked >= 2, $"{asked} asked");
        }
        var token = (await Mailbox.WaitForAsync(system, first, PingTests.AcknowledgementLink())).Groups[1].Value;
        using var anonymous = DirectoryFlow.Client(system, null);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await anonymous.GetAsync("/api/directory/member-states")).StatusCode); // read through the States' cache
        using (var acknowledged = await anonymous.PostAsJsonAsync("/api/directory/ping/acknowledgements", new { token }))
        {
            Assert.True(acknowledged.IsSuccessStatusCode);
        }

        // The counts reach the page once the Directory counted them and Prometheus scraped them (seconds, here).
        var operations = await TestPerson.CreateAsync(system, "ops-ping-web", Roles.Operations);
        var page = await _chromium.SignedInAsync(Web, operations, "/operations");
        var campaign = page.GetByTestId("operations-campaign").Locator("tbody td");
        await Eventually.Until(async () =>
        {
            await page.GotoAsync(Web + "/operations");
            return await campaign.CountAsync() == 5 ? await campaign.AllInnerTextsAsync() : [];
        }, cells => cells.Count == 5 && cells[0] == $"{asked}" && cells[1].StartsWith("1 ", StringComparison.Ordinal) && cells[3] == $"{asked - 1}",
            TimeSpan.FromMinutes(1), $"the campaign's {asked} asked, 1 acknowledged and the others waiting on the page");
        Assert.Contains("its window is open", await page.Locator("main").InnerTextAsync());
        await page.GetByTestId("operations-campaign").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ScreenshotPath("operations-campaign.png"), FullPage = true });

        // The nominations just approved are counted by status; the Directory's token checks and its States' cache are counted;
        // the e-mails' time to the mail server is measured.
        Assert.True(int.Parse(await page.Locator("[data-work='nominations:approved']").InnerTextAsync(), System.Globalization.NumberStyles.AllowThousands,
            System.Globalization.CultureInfo.InvariantCulture) >= 2);
        Assert.Equal(1, await page.Locator("[data-work='update requests:overdue']").CountAsync());
        Assert.NotEqual("0", await page.Locator("[data-tokens='directory'] td").Nth(1).InnerTextAsync());
        Assert.EndsWith(" ms", await page.Locator("[data-tokens='directory'] td").Nth(2).InnerTextAsync());
        Assert.NotEqual("0", await page.Locator("[data-cache='member-states'] td").Nth(1).InnerTextAsync()); // this test's read at least
        Assert.DoesNotContain("—, —", await page.GetByTestId("operations-email-age").InnerTextAsync());

        // Neither of the points of contact just listed, by name or address, on any page the operations role's navigation offers,
        // nor in any answer of the APIs the authorization matrix opens to it; no address at all but its own and the system's.
        string[] persons = ["Bat-Erdene", "Oyunchimeg", first];
        bool Foreign(string address) => !address.Equals(operations.Email, StringComparison.OrdinalIgnoreCase)
            && !address.EndsWith("@pocdirectory.example", StringComparison.OrdinalIgnoreCase);
        var links = await page.Locator("nav a[href^='/']").EvaluateAllAsync<string[]>("links => links.map(l => l.getAttribute('href'))");
        foreach (var path in links.Prepend("/operations").Distinct())
        {
            await page.GotoAsync(Web + path);
            var content = await page.ContentAsync();
            Assert.True(!persons.Any(p => content.Contains(p, StringComparison.OrdinalIgnoreCase)), $"{path} names a point of contact");
            Assert.Empty(EmailAddress().Matches(content).Select(m => m.Value).Where(Foreign).Select(a => $"{path}: {a}"));
        }
        using var asOperations = DirectoryFlow.Client(system, (await operations.SignInForTokensAsync(system)).GetProperty("access_token").GetString()!);
        var reachable = AuthorizationMatrix.Rows.Where(r => r.Method == "GET" && r.Service != ResourceNames.Identity && !r.Path.Contains('{')
            && r.Expected.Split(' ')[Array.IndexOf(AuthorizationMatrix.Principals, "operations")] == "200").ToList();
        Assert.True(reachable.Count >= 10, $"{reachable.Count} APIs");
        foreach (var row in reachable)
        {
            using var answer = await asOperations.GetAsync(row.Path);
            Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(!persons.Any(p => body.Contains(p, StringComparison.OrdinalIgnoreCase)), $"{row.Path} names a point of contact");
            Assert.Empty(EmailAddress().Matches(body).Select(m => m.Value).Where(Foreign).Select(a => $"{row.Path}: {a}"));
        }
    }

    [Fact]
    public async Task The_Chairs_office_is_refused_the_Operations_page_and_does_not_see_its_link()
    {
        var chair = await _chromium.SignedInAsync(Web, await TestPerson.CreateAsync(fixture.System, "ops-web-chair", Roles.ChairOffice), "/operations");
        await chair.GotoAsync(Web + "/operations");

        Assert.Equal("Not available to you", await chair.Locator("h1").InnerTextAsync());
        Assert.Equal(0, await chair.Locator("nav a[href='/operations']").CountAsync());
    }
}
