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
