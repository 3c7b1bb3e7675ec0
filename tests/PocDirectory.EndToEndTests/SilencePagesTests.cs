using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Silence procedures in real Chromium: the Chair's office places a proposal under silence (its errors first), extends
/// and withdraws it in two steps, and announces a broken silence; a delegate breaks silence for its State and takes it
/// back; the public reads the record without the objections.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SilencePagesTests(SystemFixture fixture) : IAsyncLifetime
{
    private Chromium _chromium = null!;

    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    private string Web => fixture.System.Url(ResourceNames.Web).ToString().TrimEnd('/');

    private Task<IPage> SignedInAsync(TestPerson person) => _chromium.SignedInAsync(Web, person, "/letters/new"); // a page for signed-in people: it leads to the sign-in

    /// <summary>A mission with an address, so that a proposal can be circulated whatever ran before.</summary>
    private static async Task MissionAsync(RunningSystem system, string state)
    {
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, $"silence-web-dm-{state.ToLowerInvariant()}", Roles.DirectoryManager));
        await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync($"/api/meetings/missions/{state}", new { emails = new[] { TestPerson.UniqueEmail($"silence-web-{state.ToLowerInvariant()}") } }),
            HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_Chair_places_extends_and_withdraws_a_proposal_and_a_delegate_breaks_silence_and_takes_it_back()
    {
        var system = fixture.System;
        await MissionAsync(system, "ISL");
        var chair = await SignedInAsync(await TestPerson.CreateAsync(system, "silence-web-chair", Roles.ChairOffice));
        await chair.GotoAsync($"{Web}/silence");
        await chair.GetByTestId("place-under-silence").ClickAsync();

        // Nothing filled in that the browser does not check itself: the service's errors, each a link to its field.
        await chair.GetByLabel("Subject").FillAsync(" ");
        await chair.GetByLabel("The proposal").FillAsync(" ");
        await chair.GetByLabel("Day", new() { Exact = true }).FillAsync("2021-01-25");
        await chair.GetByTestId("circulate").ClickAsync();
        var problems = chair.GetByTestId("silence-problems");
        await Assertions.Expect(problems.GetByRole(AriaRole.Link, new() { Name = "Subject:" })).ToHaveAttributeAsync("href", "#silence-subject");
        await Assertions.Expect(problems.GetByRole(AriaRole.Link, new() { Name = "The proposal:" })).ToBeVisibleAsync();

        var subject = $"the working methods {Guid.NewGuid():N}"[..28];
        var year = DateTime.UtcNow.Year + 1;
        await chair.GetByLabel("Subject").FillAsync(subject);
        await chair.GetByLabel("The proposal").FillAsync("Meetings begin on time.\n\nStatements are limited to five minutes.");
        await chair.GetByLabel("Day", new() { Exact = true }).FillAsync($"{year}-02-20");
        await chair.GetByLabel("Time of day").FillAsync("18:00");
        await Assertions.Expect(chair.Locator("#silence-restricted")).Not.ToBeCheckedAsync(); // public unless restricted
        await chair.GetByTestId("circulate").ClickAsync();
        await Assertions.Expect(chair.GetByTestId("silence-notice")).ToContainTextAsync("The proposal is under silence");
        await Assertions.Expect(chair.GetByTestId("silence-status")).ToHaveTextAsync("Under silence");
        await Assertions.Expect(chair.GetByTestId("silence-expiry")).ToContainTextAsync($"20 February {year} at 6.00pm (New York time)");
        await Assertions.Expect(chair.GetByTestId("silence-proposal").Locator("li")).ToHaveCountAsync(2);
        var url = chair.Url.Split('?')[0];

        // France's delegate: a paragraph that does not exist is refused beside its field; then silence is broken, and taken back.
        var france = await SignedInAsync(await TestPerson.CreateAsync(system, "silence-web-fra", Roles.Delegate, "FRA"));
        await france.GotoAsync(url);
        await france.GetByLabel("The objection").FillAsync("France cannot accept paragraph 2.");
        await france.GetByLabel("Paragraphs concerned").FillAsync("5");
        await france.GetByTestId("send-objection").ClickAsync();
        await Assertions.Expect(france.Locator("#silence-paragraphs")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(france.GetByLabel("The objection")).ToHaveValueAsync("France cannot accept paragraph 2."); // kept as typed
        await france.GetByLabel("Paragraphs concerned").FillAsync("2");
        await france.GetByLabel("Amendment proposed").FillAsync("Statements are limited to seven minutes.");
        await france.GetByTestId("send-objection").ClickAsync();
        await Assertions.Expect(france.GetByTestId("silence-notice")).ToContainTextAsync("Your State's objection is received");
        await Assertions.Expect(france.GetByTestId("silence-objections").Locator("tr[data-objection=FRA]")).ToContainTextAsync("seven minutes");
        await Assertions.Expect(france.GetByTestId("objection-form")).ToHaveCountAsync(0);

        // The public sees the proposal, never the objections.
        var visitor = await (await _chromium.Browser.NewContextAsync()).NewPageAsync();
        await visitor.GotoAsync($"{Web}/silence");
        await visitor.GetByRole(AriaRole.Link, new() { Name = char.ToUpperInvariant(subject[0]) + subject[1..] }).ClickAsync();
        await Assertions.Expect(visitor.GetByTestId("silence-proposal")).ToContainTextAsync("Statements are limited to five minutes.");
        await Assertions.Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Objections" })).ToHaveCountAsync(0);
        await Assertions.Expect(visitor.GetByText("France")).ToHaveCountAsync(0);
        await Assertions.Expect(visitor.GetByTestId("objection-form")).ToHaveCountAsync(0);

        await france.GetByTestId("withdraw-objection").ClickAsync();
        await Assertions.Expect(france.GetByTestId("silence-notice")).ToContainTextAsync("Your State's objection is withdrawn");
        await Assertions.Expect(france.GetByTestId("silence-objections").Locator("tr[data-objection=FRA]")).ToContainTextAsync("withdrawn");
        await Assertions.Expect(france.GetByTestId("objection-form")).ToBeVisibleAsync();

        // The Chair's office extends silence (an earlier day refused), then withdraws the proposal in two steps.
        await chair.GotoAsync(url);
        await chair.GetByLabel("Day", new() { Exact = true }).FillAsync($"{year}-02-19");
        await chair.GetByTestId("extend").ClickAsync();
        await Assertions.Expect(chair.Locator("#silence-expiryDate")).ToHaveAttributeAsync("aria-invalid", "true");
        await chair.GetByLabel("Day", new() { Exact = true }).FillAsync($"{year}-02-27");
        await chair.GetByTestId("extend").ClickAsync();
        await Assertions.Expect(chair.GetByTestId("silence-notice")).ToContainTextAsync("Silence is extended");
        await Assertions.Expect(chair.GetByTestId("silence-expiry")).ToContainTextAsync($"27 February {year} at 6.00pm (New York time) (extended once)");
        await chair.GetByTestId("withdraw-ask").ClickAsync();
        await Assertions.Expect(chair.GetByTestId("withdraw-confirm")).ToContainTextAsync("It cannot be undone.");
        await chair.GetByTestId("withdraw-proposal").ClickAsync();
        await Assertions.Expect(chair.GetByTestId("silence-status")).ToHaveTextAsync("Withdrawn");
        await Assertions.Expect(chair.GetByTestId("extend-form")).ToHaveCountAsync(0);

        // A delegate of the State reading the page now finds nothing to object to.
        await france.GotoAsync(url);
        await Assertions.Expect(france.GetByTestId("objection-form")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_Chair_announces_a_broken_silence_from_its_page_once()
    {
        var system = fixture.System;
        await MissionAsync(system, "MLT");
        using var chairApi = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-web-api", Roles.ChairOffice));
        using var germany = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "silence-web-deu", Roles.Delegate, "DEU"));
        var placed = await MeetingsFlow.JsonAsync(await chairApi.PostAsJsonAsync("/api/meetings/silence-procedures",
            SilenceProcedureTests.Proposal($"the agenda {Guid.NewGuid():N}"[..20], SilenceProcedureTests.ExpiryIn(TimeSpan.FromSeconds(8)))), HttpStatusCode.Created);
        var id = placed.GetProperty("id").GetGuid();
        await MeetingsFlow.JsonAsync(await germany.PostAsJsonAsync($"/api/meetings/silence-procedures/{id}/objections", new { letter = "Germany objects." }), HttpStatusCode.Created);

        var chair = await SignedInAsync(await TestPerson.CreateAsync(system, "silence-web-chair2", Roles.ChairOffice));
        // The outcome is decided at the expiry by the service itself: the page shows it once it is.
        await chair.GotoAsync($"{Web}/silence/{id}");
        for (var i = 0; i < 60 && await chair.GetByTestId("announce-ask").CountAsync() == 0; i++)
        {
            await Task.Delay(500);
            await chair.ReloadAsync();
        }
        await Assertions.Expect(chair.GetByTestId("silence-outcome")).ToContainTextAsync("Silence was broken by Germany: the proposal is not adopted. The missions have not been told yet.");
        await chair.GetByTestId("announce-ask").ClickAsync();
        await Assertions.Expect(chair.GetByTestId("announce-confirm")).ToContainTextAsync("silence having been broken by Germany");
        await chair.GetByLabel("A word to the missions").FillAsync("I will consult on a revised text.");
        await chair.GetByTestId("announce").ClickAsync();
        await Assertions.Expect(chair.GetByTestId("silence-notice")).ToContainTextAsync("Every Permanent Mission is being sent the letter");
        await Assertions.Expect(chair.GetByTestId("silence-outcome")).ToContainTextAsync("Every mission was told.");
        await Assertions.Expect(chair.GetByTestId("announce-ask")).ToHaveCountAsync(0);
        var announced = await MeetingsFlow.JsonAsync(await chairApi.GetAsync($"/api/meetings/silence-procedures/{id}"), HttpStatusCode.OK);
        Assert.Equal(2, announced.GetProperty("letters").GetArrayLength()); // the circulation and the announcement
    }
}
