using System.Net;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The gateway limits each browser on its own, as the Web names it (signed), not the Web as one
/// client: one anonymous client that floods the Web is refused with a readable 429 while everyone
/// else keeps working, and a header a client writes itself is never believed.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SharedLimitsTests(SystemFixture fixture)
{
    private HttpClient From(string address, string origin) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectCallback = Loopback.FromAddress(IPAddress.Parse(address)),
    })
    { BaseAddress = fixture.System.Url(origin) };

    [Fact]
    public async Task One_anonymous_client_flooding_the_Web_gets_429_pages_and_nobody_else_is_refused()
    {
        using var flooder = From("127.0.3.5", ResourceNames.Web);
        await Eventually.EarlyInMinute(); // the gateway's window is the clock's minute: the flood and its checks fall in one
        var statuses = new Dictionary<HttpStatusCode, int>();
        string? refusal = null;
        for (var i = 0; i < 700; i++)
        {
            using var response = await flooder.GetAsync("/nominations/confirm?token=x");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refusal ??= await response.Content.ReadAsStringAsync();
                break;
            }
        }
        Assert.False(statuses.ContainsKey(HttpStatusCode.InternalServerError), string.Join(", ", statuses));
        Assert.True(statuses.ContainsKey(HttpStatusCode.TooManyRequests), "The flood was never limited: " + string.Join(", ", statuses));
        Assert.Contains("Too many requests", refusal);

        // Another browser, in the same minute: every page that calls the gateway answers.
        using var other = From("127.0.3.6", ResourceNames.Web);
        foreach (var page in new[] { "/member-states", "/nominations/confirm?token=y" })
        {
            using var response = await other.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("could not be loaded", body);
            Assert.DoesNotContain("Too many requests", body);
        }
        // The flooder, through the Web, is still refused: its own bucket, not the Web's, is empty.
        using (var again = await flooder.GetAsync("/member-states"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        }

        // Straight at the gateway, a header the client signs itself (or copies without the key) is ignored:
        // it is counted by its own address, which the flood through the Web did not touch.
        using var forger = From("127.0.3.7", ResourceNames.Gateway);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/directory/member-states/FRA");
        forged.Headers.TryAddWithoutValidation("X-PocDir-Client", $"127.0.3.5;{DateTimeOffset.UtcNow.ToUnixTimeSeconds()};AAAA");
        using (var answer = await forger.SendAsync(forged))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
    }
}

/// <summary>What a person does through the Web is recorded with the person's own address, not the Web's.</summary>
[Collection(SystemCollection.Name)]
public sealed partial class WebClientAddressTests(SystemFixture fixture)
{
    [Fact]
    public async Task A_nominee_confirming_through_the_Web_is_audited_with_the_browsers_address()
    {
        var system = fixture.System;
        // A State of its own (Chile): other tests read FRA's nominations and must not meet this one.
        var focalPoint = await DirectoryFlow.TokenOfAsync(system, "fp-addr", Roles.FocalPoint, "CHL");
        var email = TestPerson.UniqueEmail("nominee-addr");
        var (id, _) = await DirectoryFlow.NominateAsync(system, focalPoint, "CHL", "Élise Martin", email);
        var token = (await Mailbox.WaitForAsync(system, email, DirectoryFlow.ConfirmationLink())).Groups[1].Value;

        // The nominee's browser, from an address of its own, opens the e-mailed page and confirms.
        using var browser = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = Loopback.FromAddress(System.Net.IPAddress.Parse("127.0.4.21")),
            UseCookies = true,
        })
        { BaseAddress = system.Url(ResourceNames.Web) };
        var page = await browser.GetStringAsync($"/nominations/confirm?token={token}");
        var fields = HiddenInputs().Matches(page).ToDictionary(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.Contains("__RequestVerificationToken", fields.Keys);
        fields["Answer.Consent"] = "true";
        using var answered = await browser.PostAsync($"/nominations/confirm?token={token}", new FormUrlEncodedContent(fields));
        Assert.True(answered.IsSuccessStatusCode, $"{(int)answered.StatusCode}");
        Assert.Contains("Thank you", await answered.Content.ReadAsStringAsync());

        // The Nominations service recorded the confirmation with the browser's address, which reached it through the
        // Web's signed header, the gateway and its X-Forwarded-For.
        var clientIp = await Eventually.Until(async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(system.DatabaseConnectionString(ResourceNames.IdentityDb));
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT client_ip FROM audit_log WHERE action = 'nomination.confirmed' AND target = @id", connection);
            command.Parameters.AddWithValue("id", id.ToString());
            return await command.ExecuteScalarAsync() as string;
        }, ip => ip is not null, TimeSpan.FromSeconds(60), "the confirmation in the audit log");
        Assert.Equal("127.0.4.21", clientIp);
    }

    [System.Text.RegularExpressions.GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial System.Text.RegularExpressions.Regex HiddenInputs();
}
