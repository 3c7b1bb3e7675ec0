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
