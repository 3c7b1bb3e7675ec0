using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Access ends with its reason: a point of contact replaced by a new person (a change of the entry's
/// address) loses the directory everywhere, and an invitation to a replaced address dies.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AccessLifecycleTests(SystemFixture fixture)
{
    private RunningSystem System => fixture.System;

    [Fact]
    public async Task A_point_of_contact_replaced_by_a_change_of_address_is_refused_everywhere_within_a_minute_and_signs_in_to_nothing()
    {
        var manager = await DirectoryFlow.TokenOfAsync(System, "lc-manager", Roles.DirectoryManager);
        var focalPoint = await DirectoryFlow.TokenOfAsync(System, "lc-focal", Roles.FocalPoint, "FRA");

        // The first person is listed, accepts the invitation and reads the directory.
        var leaving = TestPerson.UniqueEmail("lc-old");
        var pocId = await DirectoryFlow.ListAsync(System, focalPoint, manager, "FRA", "Odile Ancienne", leaving);
        var old = await TestPerson.AcceptInvitationAsync(System, leaving);
        var oldTokens = await old.SignInForTokensAsync(System);
        var oldToken = oldTokens.GetProperty("access_token").GetString()!;
        var reads = new[] { (ResourceNames.Directory, "/api/directory/pocs?state=FRA"), (ResourceNames.Directory, $"/api/directory/pocs/{pocId}"), (ResourceNames.Directory, "/api/directory/export?format=csv") };
        foreach (var (service, path) in reads)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(oldToken, path, direct: null));
        }

        // A second entry whose person never accepted the invitation.
        var unaccepted = TestPerson.UniqueEmail("lc-idle");
        var idlePocId = await DirectoryFlow.ListAsync(System, focalPoint, manager, "FRA", "Ivo Inactif", unaccepted);
        var idleLink = new Uri((await Mailbox.InvitationLinkAsync(System, unaccepted)).Value).PathAndQuery;

        // The focal point gives both entries to new people; they confirm; the manager approves.
        var arriving = TestPerson.UniqueEmail("lc-new");
        await ChangeAddressAsync(focalPoint, manager, pocId, "Nadia Nouvelle", arriving);
        await ChangeAddressAsync(focalPoint, manager, idlePocId, "Nils Neuf", TestPerson.UniqueEmail("lc-new2"));

        // Within a minute the old person's token is refused by the gateway and by the Directory itself.
        var deadline = DateTime.UtcNow.AddSeconds(75);
        while (await StatusAsync(oldToken, reads[0].Item2, direct: ResourceNames.Directory) == HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
        }
        foreach (var (service, path) in reads)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(oldToken, path, direct: null));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(oldToken, path, direct: service));
        }
        // The refresh token died with the sessions.
        using (var http = new HttpClient { BaseAddress = System.Url(ResourceNames.Gateway) })
        using (var refresh = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = oldTokens.GetProperty("refresh_token").GetString()!,
            ["client_id"] = "web",
            ["client_secret"] = System.Secret("web-client-secret"),
        })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        }
        // A replay of the first approval (a redelivery, a message moved back from the error queue) gives the replaced
        // person nothing back: Identity applies no version older than the one it has.
        using (var http = DirectoryFlow.Client(System, manager))
        {
            var first = (await http.GetFromJsonAsync<JsonElement[]>($"/api/directory/pocs/{pocId}/history"))!.Single(v => v.GetProperty("version").GetInt32() == 1);
            var replay = Guid.NewGuid();
            var body = JsonSerializer.Serialize(new
            {
                pocId,
                nominationId = Guid.NewGuid(),
                state = "FRA",
                version = 1,
                details = first.GetProperty("details"),
                submittedBy = "replay",
                approvedBy = "replay",
                approvedAt = DateTimeOffset.UtcNow,
            });
            await System.ScalarAsync<Guid>(ResourceNames.NominationsDb,
                "INSERT INTO outbox_messages (message_id, message_type, body, occurred_at, attempts) VALUES (@id::uuid, @t, @b::jsonb, now(), 0) RETURNING message_id",
                ("id", replay.ToString()), ("t", DirectoryDeliveryTests.ApprovedType), ("b", body));
            await Eventually.Until(() => System.ScalarAsync<long>(ResourceNames.IdentityDb, "SELECT count(*) FROM inbox_messages WHERE message_id = @id::uuid", ("id", replay.ToString())),
                n => n == 1, TimeSpan.FromSeconds(60), "the replayed approval handled by Identity");
        }
        // Signing in again (after the replay) gives a token without the role: the directory answers 403.
        var again = (await old.SignInForTokensAsync(System)).GetProperty("access_token").GetString()!;
        var (_, payload) = AccessTests.Decode(again);
        Assert.Null(payload["role"]);
        foreach (var (service, path) in reads)
        {
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(again, path, direct: null));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(again, path, direct: service));
        }

        // The replaced address's open invitation is dead; the new people are invited.
        using (var browser = new FormClient(System))
        {
            Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(idleLink)).Status);
        }
        await Mailbox.InvitationLinkAsync(System, arriving);
    }

    private async Task ChangeAddressAsync(string focalPoint, string manager, Guid pocId, string name, string email)
    {
        Guid id;
        using (var http = DirectoryFlow.Client(System, focalPoint))
        using (var response = await http.PostAsJsonAsync("/api/nominations", new { state = "FRA", pocId, details = DirectoryFlow.Details(name, email), submit = true }))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, body);
            id = JsonDocument.Parse(body).RootElement.GetProperty("summary").GetProperty("id").GetGuid();
        }
        await DirectoryFlow.ConfirmAsync(System, email);
        using var approved = await DirectoryFlow.DecideAsync(System, manager, id, "approve");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
    }

    /// <summary>The status of a GET with the token, through the gateway (<paramref name="direct"/> null) or at a service's own port.</summary>
    private async Task<HttpStatusCode> StatusAsync(string token, string path, string? direct)
    {
        using var http = DirectoryFlow.Client(System, token);
        if (direct is not null)
        {
            http.BaseAddress = System.Url(direct);
        }
        using var response = await http.GetAsync(path);
        return response.StatusCode;
    }
}
