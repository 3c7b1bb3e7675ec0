using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// Drives the whole <see cref="AuthorizationMatrix"/> against the running system with real tokens:
/// every row, every caller, through the gateway and directly on the service's own port.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AuthorizationMatrixTests(SystemFixture fixture)
{
    [Fact]
    public async Task Every_endpoint_answers_every_caller_as_the_matrix_says_through_the_gateway_and_directly()
    {
        var tokens = await TokensAsync();
        // FRA participates (it has a listed point of contact); DEU and KEN do not.
        var listed = await DirectoryFlow.ListAsync(fixture.System, tokens["focal-point FRA"].Data!, tokens["directory-manager"].Data!, "FRA", "Matrix Listed", TestPerson.UniqueEmail("matrix-poc-fra"));
        var meeting = await MeetingsFlow.ScheduleAsync(fixture.System, tokens["chair-office"].Data!, MeetingsFlow.ForMemberStates("Matrix consultations"));
        var letter = await MeetingsFlow.DraftAsync(fixture.System, tokens["chair-office"].Data!, MeetingsFlow.Letter("Matrix letter"));
        var document = await MeetingsFlow.UploadAsync(fixture.System, tokens["chair-office"].Data!, meeting, "matrix.txt", "Matrix paper", "Not for the public."u8.ToArray());
        using var chair = DirectoryFlow.Client(fixture.System, tokens["chair-office"].Data!);
        // A proposal is circulated to the missions: one with an address of its own, whatever the other tests left.
        using var manager = DirectoryFlow.Client(fixture.System, tokens["directory-manager"].Data!);
        await using var missions = await MeetingsFlow.AddressMissionsAsync(fixture.System, manager, 1, s => $"matrix-{Guid.NewGuid():N}-{s.ToLowerInvariant()}@example.org");
        var silence = (await MeetingsFlow.JsonAsync(await chair.PostAsJsonAsync("/api/meetings/silence-procedures",
            new { subject = "Matrix proposal", proposal = "One paragraph.", expiryDate = $"{DateTime.UtcNow.Year + 1}-06-30", expiryTime = "18:00", isPublic = false }),
            System.Net.HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var failures = new List<string>();
        foreach (var row in AuthorizationMatrix.Rows)
        {
            var expected = row.Expected.Split(' ');
            for (var i = 0; i < AuthorizationMatrix.Principals.Length; i++)
            {
                var principal = AuthorizationMatrix.Principals[i];
                foreach (var direct in new[] { false, true })
                {
                    // Each caller uses the token its client would: the one addressed to Identity for Identity's API, the other elsewhere.
                    var token = row.Service == ResourceNames.Identity ? tokens[principal].Identity : tokens[principal].Data;
                    var status = await SendAsync(row.Service, row.Method, row.Path.Replace("{listed FRA}", listed.ToString()).Replace("{meeting}", meeting.ToString()).Replace("{letter}", letter.ToString()).Replace("{document}", document.ToString()).Replace("{silence}", silence.ToString()), token, direct);
                    if (status.ToString() != expected[i])
                    {
                        failures.Add($"{row.Method} {row.Path} as {principal} {(direct ? "directly" : "through the gateway")}: {status}, expected {expected[i]}");
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>Each caller's two tokens: the one for the data APIs, and the one addressed to Identity alone (ApiScopes.AddressedTo).</summary>
    private async Task<Dictionary<string, (string? Data, string? Identity)>> TokensAsync()
    {
        var system = fixture.System;
        async Task<(string?, string?)> PersonAsync(string prefix, string role, string? state = null)
        {
            var tokens = await (await TestPerson.CreateAsync(system, prefix, role, state)).SignInForTokensAsync(system);
            var identity = await TestPerson.ForIdentityAsync(system, tokens);
            return (tokens.GetProperty("access_token").GetString()!, identity.GetProperty("access_token").GetString()!);
        }
        // The same change to both of a caller's tokens, signed again with Identity's real key.
        async Task<(string?, string?)> ResignedAsync((string? Data, string? Identity) from, Action<JsonObject> change) =>
            (await IdentityKeys.ResignAsync(system, from.Data!, change), await IdentityKeys.ResignAsync(system, from.Identity!, change));

        var manager = await PersonAsync("matrix-dm", Roles.DirectoryManager);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var unknownKey = System.Security.Cryptography.RSA.Create(2048);
        var machine = await fixture.TokenAsync();
        return new Dictionary<string, (string? Data, string? Identity)>
        {
            ["anonymous"] = (null, null),
            ["directory-manager"] = manager,
            ["focal-point FRA"] = await PersonAsync("matrix-fp-fra", Roles.FocalPoint, "FRA"),
            ["focal-point DEU"] = await PersonAsync("matrix-fp-deu", Roles.FocalPoint, "DEU"),
            ["point-of-contact KEN"] = await PersonAsync("matrix-poc", Roles.PointOfContact, "KEN"),
            ["chair-office"] = await PersonAsync("matrix-chair", Roles.ChairOffice),
            ["operations"] = await PersonAsync("matrix-ops", Roles.Operations),
            // Identity refuses these combinations at invitation; tokens that carry them anyway (signed with its real key) act
            // with the contact-blind role only.
            ["operations + focal-point FRA"] = await ResignedAsync(manager, p =>
            {
                p["role"] = new JsonArray(Roles.Operations, Roles.FocalPoint);
                p[ApiScopes.StateClaim] = "FRA";
            }),
            ["chair-office + point-of-contact FRA"] = await ResignedAsync(manager, p =>
            {
                p["role"] = new JsonArray(Roles.ChairOffice, Roles.PointOfContact);
                p[ApiScopes.StateClaim] = "FRA";
            }),
            ["machine FRA"] = (machine, machine),
            ["person without MFA"] = await ResignedAsync(manager, p => p["amr"] = new JsonArray("pwd")),
            ["expired"] = await ResignedAsync(manager, p =>
            {
                p["iat"] = now - 1200;
                p["nbf"] = now - 1200;
                p["exp"] = now - 600;
            }),
            ["forged"] = (AccessTests.SignedBy(unknownKey, manager.Item1!, _ => { }), AccessTests.SignedBy(unknownKey, manager.Item2!, _ => { })),
            ["wrong audience"] = await ResignedAsync(manager, p => p["aud"] = "somewhere-else"),
            ["delegate FRA"] = await PersonAsync("matrix-delegate", Roles.Delegate, "FRA"),
        };
    }

    private async Task<int> SendAsync(string service, string method, string path, string? token, bool direct)
    {
        using var http = new HttpClient { BaseAddress = fixture.System.Url(direct ? service : ResourceNames.Gateway) };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { email = "not an address" }); // never valid: nothing is written
        }
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }
}
