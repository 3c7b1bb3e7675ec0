using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace PocDirectory.EndToEndTests;

/// <summary>A person's own calendar feed: the meetings of the person's audiences, by a secret address that a new one, a revocation or the end of the person's access ends.</summary>
[Collection(SystemCollection.Name)]
public sealed class FeedsTests(SystemFixture fixture)
{
    private static async Task<(HttpStatusCode Status, string Body)> ReadAsync(string url)
    {
        using var calendar = new HttpClient(); // a calendar application: no token, the address alone
        using var response = await calendar.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_delegates_feed_holds_its_States_meetings_and_not_the_points_of_contacts_and_ends_when_replaced_revoked_or_the_account_is_disabled()
    {
        var system = fixture.System;
        var chairToken = await DirectoryFlow.TokenOfAsync(system, "feeds-chair", Roles.ChairOffice);
        var forStates = await MeetingsFlow.ScheduleAsync(system, chairToken, MeetingsFlow.ForMemberStates($"Consultations for the feed {Guid.NewGuid():N}"[..40]));
        var forPocs = await MeetingsFlow.ScheduleAsync(system, chairToken, new
        {
            kind = "exercise", title = $"POC exercise {Guid.NewGuid():N}"[..25], format = "virtual", audience = new[] { "points-of-contact" },
            time = new { precision = "day", date = $"{DateTime.UtcNow.Year + 1}-05-05" },
        });

        var person = await TestPerson.CreateAsync(system, "feeds-delegate", Roles.Delegate, "FRA");
        var tokens = await person.SignInForTokensAsync(system);
        using var own = DirectoryFlow.Client(system, tokens.GetProperty("access_token").GetString()!);
        Assert.False((await MeetingsFlow.JsonAsync(await own.GetAsync("/api/meetings/feed"), HttpStatusCode.OK)).GetProperty("exists").GetBoolean());
        var made = await MeetingsFlow.JsonAsync(await own.PostAsync("/api/meetings/feed", null), HttpStatusCode.Created);
        var url = made.GetProperty("url").GetString()!;
        // At the gateway's public origin (the tokens' issuer).
        Assert.Equal((system.Url(ResourceNames.Gateway).Port, "/api/meetings/feed.ics"), (new Uri(url).Port, new Uri(url).AbsolutePath));
        Assert.Equal(["public", "member-states"], made.GetProperty("audiences").EnumerateArray().Select(a => a.GetString()));
        // Shown once: reading the feed's state later gives no address.
        Assert.Equal(JsonValueKind.Null, (await MeetingsFlow.JsonAsync(await own.GetAsync("/api/meetings/feed"), HttpStatusCode.OK)).GetProperty("url").ValueKind);

        var (status, ics) = await ReadAsync(url);
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var read in await CalendarReaders.ReadAsync(ics))
        {
            Assert.Equal("PUBLISH", read.Method);
            Assert.Contains(read.Events, e => e.Uid == $"{forStates}@meetings.pocdirectory");
            Assert.DoesNotContain(read.Events, e => e.Uid == $"{forPocs}@meetings.pocdirectory");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(url.Replace("token=", "token=x", StringComparison.Ordinal))).Status);

        // A new address replaces the old one; a revocation ends the new one.
        var second = (await MeetingsFlow.JsonAsync(await own.PostAsync("/api/meetings/feed", null), HttpStatusCode.Created)).GetProperty("url").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(url)).Status);
        Assert.Equal(HttpStatusCode.OK, (await ReadAsync(second)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await own.DeleteAsync("/api/meetings/feed")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(second)).Status);

        // The account disabled: its feed ends with its access.
        var third = (await MeetingsFlow.JsonAsync(await own.PostAsync("/api/meetings/feed", null), HttpStatusCode.Created)).GetProperty("url").GetString()!;
        var manager = await TestPerson.CreateAsync(system, "feeds-dm", Roles.DirectoryManager);
        var managerTokens = await TestPerson.ForIdentityAsync(system, await manager.SignInForTokensAsync(system));
        using var identity = new HttpClient { BaseAddress = system.Url(ResourceNames.Gateway) };
        identity.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", managerTokens.GetProperty("access_token").GetString());
        var id = (await identity.GetFromJsonAsync<JsonElement>("/api/identity/users")).EnumerateArray()
            .Single(u => u.GetProperty("email").GetString() == person.Email).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await identity.PostAsync($"/api/identity/users/{id}/disable", null)).StatusCode);
        await Eventually.Until(async () => (await ReadAsync(third)).Status, s => s == HttpStatusCode.NotFound, TimeSpan.FromMinutes(1), "the feed ended with the account");
    }
}
