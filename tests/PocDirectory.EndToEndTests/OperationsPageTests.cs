using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The operations team's page in real Chromium: every service, server, objective and queue as Prometheus sees them,
/// and no person's contact details on it or on any page the operations role reaches; other roles are refused it.
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
        using (var started = await dm.PostAsJsonAsync("/api/directory/ping/campaigns", new { states = new[] { "MNG" } }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, started.StatusCode);
        }
        var token = (await Mailbox.WaitForAsync(system, first, PingTests.AcknowledgementLink())).Groups[1].Value;
        using var anonymous = DirectoryFlow.Client(system, null);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await anonymous.GetAsync("/api/directory/member-states")).StatusCode); // read through the States' cache
        using (var acknowledged = await anonymous.PostAsJsonAsync("/api/directory/ping/acknowledgements", new { token }))
        {
            Assert.True(acknowledged.IsSuccessStatusCode);
        }

        // The counts reach the page once the Directory counted them and Prometheus scraped them (seconds, here).
        var page = await _chromium.SignedInAsync(Web, await TestPerson.CreateAsync(system, "ops-ping-web", Roles.Operations), "/operations");
        var campaign = page.GetByTestId("operations-campaign").Locator("tbody td");
        await Eventually.Until(async () =>
        {
            await page.GotoAsync(Web + "/operations");
            return await campaign.CountAsync() == 5 ? await campaign.AllInnerTextsAsync() : [];
        }, cells => cells.Count == 5 && cells[0] == "2" && cells[1].StartsWith("1 ", StringComparison.Ordinal) && cells[3] == "1",
            TimeSpan.FromMinutes(1), "the campaign's 2 asked, 1 acknowledged and 1 waiting on the page");
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
        Assert.Equal(1, await page.Locator("[data-cache='member-states']").CountAsync());
        Assert.DoesNotContain("—, —", await page.GetByTestId("operations-email-age").InnerTextAsync());
        Assert.DoesNotContain("Bat-Erdene", await page.ContentAsync());
        Assert.DoesNotContain(first, await page.ContentAsync());
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
