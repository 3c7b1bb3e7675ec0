using System.Net;
using System.Text;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// A body the server cannot read is the caller's error, at every port: a 400 problem details answer,
/// never a 500 (scripts/fuzz.py sends thousands more of these).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class MalformedRequestTests(SystemFixture fixture)
{
    public static readonly TheoryData<string> Bodies =
    [
        "",
        "null",
        "[1,2,3]",
        "{\"a\":1",
        "{\"token\":5}",
        "{\"token\":\"\\ud800\"}",
        new string('[', 2000) + new string(']', 2000),
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Anonymous_endpoints_answer_an_unreadable_body_with_a_400_problem_at_the_gateway_and_at_the_service(string body)
    {
        foreach (var (service, path) in new[]
        {
            (ResourceNames.Directory, "/api/directory/ping/acknowledgements"),
            (ResourceNames.Nominations, "/api/nominations/confirmation/lookup"),
            (ResourceNames.Nominations, "/api/nominations/confirmation"),
        })
        {
            foreach (var origin in new[] { ResourceNames.Gateway, service })
            {
                using var http = new HttpClient { BaseAddress = fixture.System.Url(origin) };
                using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} at {origin}: {(int)response.StatusCode} {text}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }
}
