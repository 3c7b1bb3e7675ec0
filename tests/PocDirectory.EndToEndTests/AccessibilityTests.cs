using System.Text;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Every page of every role, as people meet them, in real Chromium: axe-core (WCAG 2.1 A and AA) finds no violation,
/// at a desktop's width and a phone's (390 × 844), and no page scrolls sideways on the phone. The pages are those each
/// role's navigation offers and the pages their links lead to (one of each kind), the public ones, the Web's and
/// Identity's error pages. The sign-in and the nomination are done with the keyboard alone.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class AccessibilityTests(SystemFixture fixture) : IAsyncLifetime
{
    private static readonly AxeRunOptions Wcag21 = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    private string Web => fixture.System.WebOrigin.ToString().TrimEnd('/');

    [Fact]
    public async Task Every_page_of_every_role_passes_axe_at_desktop_and_phone_width_and_fits_a_phone()
    {
        var system = fixture.System;
        var people = new (string Role, string? State)[]
        {
            (Roles.DirectoryManager, null), (Roles.FocalPoint, "FRA"), (Roles.PointOfContact, "KEN"), (Roles.Delegate, "KEN"),
            (Roles.ChairOffice, null), (Roles.Operations, null),
        };
        var problems = new List<string>();
        var checkedPages = new List<string>();

        // Anyone: the public pages and the error pages, of the Web and of Identity.
        var anonymous = await (await _chromium.Browser.NewContextAsync(new() { BypassCSP = true })).NewPageAsync();
        await WalkAsync(anonymous, "anyone", ["/", "/not/a/page", $"{fixture.System.PublicOrigin.ToString().TrimEnd('/')}/connect/authorize?client_id=nobody"], problems, checkedPages);

        foreach (var (role, state) in people)
        {
            var person = await TestPerson.CreateAsync(system, "a11y-" + role, role, state);
            var context = await _chromium.Browser.NewContextAsync(new() { BypassCSP = true });
            var page = await context.NewPageAsync();
            await page.GotoAsync(Web + "/");
            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
            await CheckAsync(page, "sign-in page", problems, checkedPages); // Identity's, on its first step
            await SignInPageTests.SignInWithAppAsync(page, person);
            await Chromium.ArrivedAsync(page, url => url.StartsWith(Web + "/", StringComparison.Ordinal));
            await page.Locator("nav[aria-label=Main] a").First.WaitForAsync();
            var navigation = await page.Locator("nav[aria-label=Main] a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
            await WalkAsync(page, role, [.. navigation, "/account/manage"], problems, checkedPages);
            await context.CloseAsync();
        }

        Assert.True(checkedPages.Count >= 40, $"Only {checkedPages.Count} pages were checked: {string.Join(", ", checkedPages)}");
        Assert.True(problems.Count == 0, $"{problems.Count} problems on {checkedPages.Count} pages:\n{string.Join("\n", problems)}");
    }

    /// <summary>
    /// Opens each of <paramref name="start"/> and, once, a page of each kind their main content links to (an address with
    /// its ids taken out), checking each.
    /// </summary>
    private async Task WalkAsync(IPage page, string who, IReadOnlyList<string> start, List<string> problems, List<string> checkedPages)
    {
        var queue = new Queue<string>(start.Distinct());
        var kinds = new HashSet<string>(start.Select(Kind));
        while (queue.Count > 0)
        {
            var path = queue.Dequeue();
            var url = path.StartsWith("http", StringComparison.Ordinal) ? path
                : path.StartsWith("/account/", StringComparison.Ordinal) ? fixture.System.PublicOrigin.ToString().TrimEnd('/') + path
                : Web + path;
            await page.SetViewportSizeAsync(1280, 900);
            await page.GotoAsync(url);
            await CheckAsync(page, $"{who} {path}", problems, checkedPages);
            if (!url.StartsWith(Web, StringComparison.Ordinal))
            {
                continue;
            }
            var links = await page.Locator("main a[href^='/']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
            foreach (var link in links.Select(l => l.Split('#')[0]).Where(Followed))
            {
                if (kinds.Add(Kind(link)))
                {
                    queue.Enqueue(link);
                }
            }
        }
    }

    /// <summary>axe at a desktop's width, then at a phone's, and the phone's page no wider than its screen.</summary>
    private static async Task CheckAsync(IPage page, string name, List<string> problems, List<string> checkedPages)
    {
        checkedPages.Add(name);
        foreach (var (width, height, screen) in new[] { (1280, 900, "desktop"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            var result = await page.RunAxe(Wcag21);
            if (result.Passes.Length == 0)
            {
                problems.Add($"{name} ({screen}): axe checked nothing");
            }
            foreach (var violation in result.Violations)
            {
                var nodes = string.Join(" | ", violation.Nodes.Take(3).Select(n => $"{n.Target} {Shorten(n.Html)}"));
                problems.Add($"{name} ({screen}): {violation.Id} ({violation.Help}) at {nodes}");
            }
            if (screen == "phone")
            {
                var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
                var (scrollWidth, innerWidth) = (widths[0], widths[1]);
                if (scrollWidth > innerWidth)
                {
                    var widest = await page.EvaluateAsync<string>(WidestElementScript);
                    problems.Add($"{name} (phone): {scrollWidth} px wide on a {innerWidth} px screen; widest: {widest}");
                }
            }
        }
    }

    /// <summary>The element reaching furthest right, for the message of a page that scrolls sideways.</summary>
    private const string WidestElementScript = """
        () => {
          let widest = null, right = 0;
          for (const e of document.body.querySelectorAll('*')) {
            const r = e.getBoundingClientRect().right;
            if (r > right) { right = r; widest = e; }
          }
          return widest ? `${widest.tagName.toLowerCase()}${widest.id ? '#' + widest.id : ''}.${[...widest.classList].join('.')} (${Math.round(right)} px)` : '';
        }
        """;

    private static string Shorten(string html) => html.Length <= 120 ? html : html[..120] + "…";

    /// <summary>Pages only: not downloads, feeds or files, nor the sign-in and sign-out addresses.</summary>
    private static bool Followed(string path) =>
        !path.StartsWith("/signin", StringComparison.Ordinal) && !path.StartsWith("/signout", StringComparison.Ordinal)
        && !Download().IsMatch(path);

    [GeneratedRegex(@"(\.csv|\.ics|\.xml|\.json|\.atom|\.rss|/file|/letter|/export|/feed)(\?|$)|/feeds?/", RegexOptions.IgnoreCase)]
    private static partial Regex Download();

    /// <summary>An address without its ids and query values: "/meetings/{id}" stands for every meeting.</summary>
    private static string Kind(string path)
    {
        var withoutQuery = path.Split('?')[0];
        var query = path.Contains('?') ? "?" + string.Join("&", path.Split('?')[1].Split('&').Select(p => p.Split('=')[0]).Order()) : "";
        return IdSegment().Replace(withoutQuery, "/{id}") + query;
    }

    [GeneratedRegex(@"/([0-9a-f]{8}-[0-9a-f-]{27}|\d+|[A-Z]{3}|\d{4}-\d{2}-\d{2}[^/]*)(?=/|$)")]
    private static partial Regex IdSegment();

    [Fact]
    public async Task A_person_signs_in_and_nominates_with_the_keyboard_alone_and_an_empty_form_is_caught_before_it_is_sent()
    {
        var focalPoint = await TestPerson.CreateAsync(fixture.System, "a11y-keys", Roles.FocalPoint, "CHL");
        var page = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(Web + "/my-state");

        // Sign-in: Tab to each field, type, Enter.
        await TabToAsync(page, "input[name=Email], input[type=email]");
        await page.Keyboard.TypeAsync(focalPoint.Email);
        await TabToAsync(page, "input[type=password]");
        await page.Keyboard.TypeAsync(focalPoint.Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByLabel("Code from your authenticator app")).ToBeVisibleAsync();
        await TabToAsync(page, "input[autocomplete=one-time-code], input[name=Code]");
        await page.Keyboard.TypeAsync(focalPoint.Code());
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(Web + "/my-state");

        // The focus ring is as visible as Identity's: 3 px, on the dark header and on a radio button alike.
        await TabToAsync(page, ".site-header nav a[href='/directory']");
        Assert.Equal("3px solid rgb(255, 209, 102)", await page.EvaluateAsync<string>("() => { const s = getComputedStyle(document.activeElement); return `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}`; }"));
        await TabToAsync(page, "#n-type-diplomatic");
        Assert.Equal("3px solid rgb(242, 169, 0)", await page.EvaluateAsync<string>("() => { const s = getComputedStyle(document.activeElement); return `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}`; }"));

        // A marker on this page: it stays as long as no form is sent (sending loads a new page).
        await page.EvaluateAsync("() => window.notSent = true");
        // Enter in a radio button does not send the form; nor does the button with every required field empty:
        // the summary lists each, takes the focus, and leads to the field.
        await TabToAsync(page, "#n-type-diplomatic");
        await page.Keyboard.PressAsync("Enter");
        await TabToAsync(page, "#nominate button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        var summary = page.GetByTestId("nominate-form").Locator("[data-error-summary]");
        await Assertions.Expect(summary).ToBeFocusedAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.notSent === true"));
        await Assertions.Expect(summary.GetByRole(AriaRole.Link)).ToHaveCountAsync(8);
        await Assertions.Expect(summary).ToContainTextAsync("Full name: Enter the person's full name.");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("nomination-errors.png"), FullPage = true });
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter"); // the first error's link
        await Assertions.Expect(page.Locator("#n-type-diplomatic")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#n-type-diplomatic")).ToHaveAttributeAsync("aria-invalid", "true");

        // The nomination, by keyboard: arrows in the radio group, Space for boxes, typing to choose in the list.
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(page.Locator("#n-type-diplomatic")).ToBeCheckedAsync();
        var nominee = TestPerson.UniqueEmail("a11y-nominee");
        foreach (var (selector, text) in new[]
        {
            ("#n-name", "Camila Rojas"), ("#n-title", "Counsellor"), ("#n-org", "Ministry of Foreign Affairs (fictitious)"),
            ("#n-email", nominee), ("#n-phone", "+56 2 2827 4200"),
        })
        {
            await TabToAsync(page, selector);
            await page.Keyboard.TypeAsync(text);
        }
        await TabToAsync(page, "#n-lang-es");
        await page.Keyboard.PressAsync("Space");
        // In the list of time zones: the country's first letters, then the arrow keys to its city.
        await TabToAsync(page, "#n-tz");
        await page.Keyboard.TypeAsync("Chile");
        for (var i = 0; i < 6 && await page.Locator("#n-tz").InputValueAsync() != "America/Santiago"; i++)
        {
            await page.Keyboard.PressAsync("ArrowDown");
        }
        await Assertions.Expect(page.Locator("#n-tz")).ToHaveValueAsync("America/Santiago");
        await TabToAsync(page, "#n-always");
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "#nominate button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("my-state-notice")).ToContainTextAsync("Nomination of Camila Rojas submitted");
        await Assertions.Expect(page.GetByTestId("nominations")).ToContainTextAsync("Camila Rojas");
    }

    /// <summary>Presses Tab until the focus is on <paramref name="selector"/>: it fails if the keyboard cannot reach it.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 120; i++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }
            await page.Keyboard.PressAsync("Tab");
        }
        var at = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing'");
        Assert.Fail($"120 presses of Tab did not reach {selector}; the focus is on {at}");
    }
}
