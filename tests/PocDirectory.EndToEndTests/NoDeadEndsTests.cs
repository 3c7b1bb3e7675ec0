using System.Diagnostics;
using System.Net;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Every error a person can meet is a page with a title, its language and a way back, never raw JSON or plain text:
/// a mistyped address in the Web, a sign-in link that is not valid, an address of Identity that does not exist. API
/// clients keep problem details. The favicon answers; the scripts' help does not crash.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class NoDeadEndsTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    [Theory]
    [InlineData("web", "/directroy", 404, "Page not found")]
    [InlineData("web", "/directory/export", 404, "Page not found")] // an address only a form posts to
    [InlineData("web", "/status/503", 404, "Page not found")] // the error pages' own addresses are not pages
    [InlineData("gateway", "/connect/authorize?client_id=nobody&response_type=code", 400, "This sign-in link cannot be used")]
    [InlineData("gateway", "/account/no-such-page", 401, "Not available to you")]
    public async Task A_browser_meets_a_page_with_a_title_its_language_and_a_way_back(string origin, string path, int status, string heading)
    {
        var start = origin == "web" ? fixture.System.WebOrigin : fixture.System.PublicOrigin;
        var page = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        var response = await page.GotoAsync(new Uri(start, path).ToString());
        Assert.Equal(status, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"]);
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.StartsWith(heading, await page.TitleAsync());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
        await Assertions.Expect(page.GetByTestId("problem-page").GetByRole(AriaRole.Link).First).ToBeVisibleAsync(); // a way back
        Assert.DoesNotContain("\"traceId\"", await page.ContentAsync());
    }

    [Fact]
    public async Task An_api_client_still_gets_problem_details_and_the_favicon_answers()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.WebOrigin };
        using var notFound = await http.GetAsync("/directroy");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        using var gateway = new HttpClient { BaseAddress = fixture.System.PublicOrigin };
        gateway.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        using var api = await gateway.GetAsync("/api/directory/no-such-thing");
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);

        using var icon = await http.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        var bytes = await icon.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes[..4]); // an ICO file's header
        using var identityIcon = await gateway.GetAsync("/account/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, identityIcon.StatusCode);
    }

    [Fact]
    public async Task The_resource_table_script_explains_itself_and_says_what_is_missing_without_a_traceback()
    {
        var script = Path.Combine(RunningSystem.RepositoryRoot, "scripts", "resources.py");
        var (helpCode, help) = await RunAsync(script, "--help");
        Assert.Equal(0, helpCode);
        Assert.Contains("all-running", help);
        Assert.Contains("url", help);

        var table = Path.Combine(fixture.System.StateDirectory, "resources.json");
        var (urlCode, url) = await RunAsync(script, "url", table, ResourceNames.Web);
        Assert.Equal(0, urlCode);
        Assert.StartsWith("http://127.0.0.1:", url.Trim());

        var (unknownCode, unknown) = await RunAsync(script, "url", table, "no-such-resource");
        Assert.Equal(1, unknownCode);
        Assert.Contains("no url for a resource named 'no-such-resource'", unknown);
        Assert.DoesNotContain("Traceback", unknown);

        var (noArgumentsCode, noArguments) = await RunAsync(script);
        Assert.Equal(2, noArgumentsCode);
        Assert.Contains("usage:", noArguments);
        Assert.DoesNotContain("Traceback", noArguments);
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
