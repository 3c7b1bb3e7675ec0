using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>Debian's Chromium, headless, driven by Playwright; one per test class.</summary>
public sealed class Chromium : IAsyncDisposable
{
    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static async Task<Chromium> LaunchAsync()
    {
        var chromium = new Chromium { _playwright = await Playwright.CreateAsync() };
        chromium.Browser = await chromium._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
        return chromium;
    }

    /// <summary>
    /// A page of a browser context of its own, signed in as <paramref name="person"/> (password and authenticator code) after
    /// asking for <paramref name="path"/>, a page for signed-in people, on the Web at <paramref name="web"/>; back on the Web.
    /// </summary>
    public async Task<IPage> SignedInAsync(string web, TestPerson person, string path)
    {
        var page = await (await Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(web + path);
        await SignInPageTests.SignInWithAppAsync(page, person);
        await ArrivedAsync(page, url => url.StartsWith(web + "/", StringComparison.Ordinal));
        return page;
    }

    /// <summary>
    /// Waits until the page's address is one <paramref name="url"/> accepts and its main content is shown. Not for the
    /// document's "load" event, as <c>WaitForURLAsync</c> does by default: after the sign-in's redirects or the Web's
    /// enhanced navigation, Chromium now and then never reports it (the wait timed out with the network idle), though
    /// the page is there.
    /// </summary>
    public static async Task ArrivedAsync(IPage page, Func<string, bool> url)
    {
        await page.WaitForURLAsync(url, new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.Locator("main").First).ToBeVisibleAsync();
    }

    /// <inheritdoc cref="ArrivedAsync(IPage, Func{string, bool})"/>
    public static Task ArrivedAsync(IPage page, string glob)
    {
        var pattern = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(glob).Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*") + "$");
        return ArrivedAsync(page, pattern.IsMatch);
    }

    public static string ScreenshotPath(string name)
    {
        var dir = Path.Combine(RunningSystem.RepositoryRoot, "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
