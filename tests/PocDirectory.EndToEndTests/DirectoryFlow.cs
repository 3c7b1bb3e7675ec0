using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PocDirectory.EndToEndTests;

/// <summary>The nomination flow over the gateway's HTTP API, as the Web and a script would drive it.</summary>
public static partial class DirectoryFlow
{
    public static HttpClient Client(RunningSystem system, string? token)
    {
        var http = new HttpClient { BaseAddress = system.Url(ResourceNames.Gateway) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }

    public static async Task<string> TokenOfAsync(RunningSystem system, string prefix, string role, string? state = null) =>
        (await (await TestPerson.CreateAsync(system, prefix, role, state)).SignInForTokensAsync(system)).GetProperty("access_token").GetString()!;

    public static object Details(string name, string email, string type = "technical") => new
    {
        type,
        fullName = name,
        title = "Duty officer",
        organization = "National CERT (fictitious)",
        email,
        phones = new[] { new { number = "+33 1 44 18 00 00", kind = "24/7" } },
        languages = new[] { "fr", "en" },
        timeZone = "Europe/Paris",
        availability = new { always = true },
        isAlternate = false,
        pgpKey = type == "technical" ? OpenPgpKeyMaker.Armored($"{name} <{email}>") : null,
    };

    /// <summary>Submits a new nomination; returns its id and the point of contact's id.</summary>
    public static async Task<(Guid Id, Guid PocId)> NominateAsync(RunningSystem system, string focalPointToken, string state, string name, string email)
    {
        using var http = Client(system, focalPointToken);
        using var response = await http.PostAsJsonAsync("/api/nominations", new { state, details = Details(name, email), submit = true });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var summary = JsonDocument.Parse(body).RootElement.GetProperty("summary");
        Assert.Equal("AwaitingConfirmation", summary.GetProperty("status").GetString());
        return (summary.GetProperty("id").GetGuid(), summary.GetProperty("pocId").GetGuid());
    }

    /// <summary>The nominee follows the e-mailed link and consents.</summary>
    public static async Task<string> ConfirmAsync(RunningSystem system, string email)
    {
        var token = (await Mailbox.WaitForAsync(system, email, ConfirmationLink())).Groups[1].Value;
        using var http = Client(system, null);
        using var response = await http.PostAsJsonAsync("/api/nominations/confirmation", new { token, consent = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return token;
    }

    public static async Task<HttpResponseMessage> DecideAsync(RunningSystem system, string managerToken, Guid id, string decision, string? reason = null, int revision = 1)
    {
        using var http = Client(system, managerToken);
        return await http.PostAsJsonAsync($"/api/nominations/{id}/decision", new { decision, reason, revision });
    }

    /// <summary>Nominates, confirms and approves; returns once the Directory lists the point of contact.</summary>
    public static async Task<Guid> ListAsync(RunningSystem system, string focalPointToken, string managerToken, string state, string name, string email)
    {
        var (id, pocId) = await NominateAsync(system, focalPointToken, state, name, email);
        await ConfirmAsync(system, email);
        using (var approved = await DecideAsync(system, managerToken, id, "approve"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }
        await WaitForEntryAsync(system, managerToken, pocId, listed: true);
        return pocId;
    }

    public static async Task WaitForEntryAsync(RunningSystem system, string token, Guid pocId, bool listed, TimeSpan? timeout = null)
    {
        using var http = Client(system, token);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await http.GetAsync($"/api/directory/pocs/{pocId}");
            if (listed ? response.StatusCode == HttpStatusCode.OK : response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Entry {pocId} is still {(int)response.StatusCode}");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"http://[^\s<>""]+/nominations/confirm\?token=([A-Za-z0-9_-]+)")]
    public static partial Regex ConfirmationLink();
}
