using System.Net.Http.Json;
using System.Text.Json;

namespace PocDirectory.EndToEndTests;

/// <summary>The Chair's office's side of the schedule over the gateway's HTTP API.</summary>
public static class MeetingsFlow
{
    /// <summary>A virtual meeting a year ahead, at 10.00 in New York, for Member States only (not on the public schedule).</summary>
    public static object ForMemberStates(string title, params string[] extraAudience) => new
    {
        kind = "consultations-member-states",
        title,
        format = "virtual",
        audience = new[] { "member-states" }.Concat(extraAudience).ToArray(),
        status = "confirmed",
        time = new { precision = "exact", date = $"{DateTime.UtcNow.Year + 1}-03-02", startTime = "10:00", endTime = "13:00" },
    };

    /// <summary>
    /// Gives <paramref name="count"/> missions of Member States that have no address yet an address of the test's own
    /// (<paramref name="address"/> of the State's code), imported as the directory manager imports them. Disposing leaves them
    /// without an address again, for the other tests sharing the system (the API keeps at least one address, so their rows
    /// go), and later letters and invitations do not reach them.
    /// </summary>
    public static async Task<AddressedMissions> AddressMissionsAsync(RunningSystem system, HttpClient manager, int count, Func<string, string> address)
    {
        var missions = await Eventually.Until(async () => await manager.GetFromJsonAsync<JsonElement>("/api/meetings/missions"),
            m => m.GetArrayLength() == 195, TimeSpan.FromMinutes(2), "the 195 missions");
        var members = missions.EnumerateArray().Where(m => m.GetProperty("unStatus").GetString() == "Member").ToList();
        var chosen = members.Where(m => m.GetProperty("emails").GetArrayLength() == 0).Select(m => m.GetProperty("state").GetString()!).Take(count).ToList();
        Assert.True(chosen.Count == count, $"only {chosen.Count} missions without an address");
        var addresses = chosen.ToDictionary(s => s, address);
        var csv = new System.Text.StringBuilder("state,emails\n");
        foreach (var (state, email) in addresses)
        {
            csv.Append(state).Append(',').Append(email).Append('\n');
        }
        using (var import = await manager.PostAsync("/api/meetings/missions/import", new StringContent(csv.ToString(), System.Text.Encoding.UTF8, "text/csv")))
        {
            Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        }
        return new AddressedMissions(system, addresses, members.Select(m => m.GetProperty("state").GetString()!).ToList());
    }

    /// <summary>The missions a test gave an address (by State), and every Member State; disposing takes the addresses away.</summary>
    public sealed class AddressedMissions(RunningSystem system, Dictionary<string, string> addresses, IReadOnlyList<string> memberStates) : IAsyncDisposable
    {
        public Dictionary<string, string> Addresses { get; } = addresses;

        public IReadOnlyList<string> MemberStates { get; } = memberStates;

        public async ValueTask DisposeAsync() => await system.ScalarAsync<long>(ResourceNames.MeetingsDb,
            "WITH gone AS (DELETE FROM permanent_missions WHERE \"State\" = ANY(@states) RETURNING 1) SELECT count(*) FROM gone",
            ("states", Addresses.Keys.ToArray()));
    }

    /// <summary>The answer's JSON, once its status is the one expected (else the test fails with the body).</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Schedules a meeting; returns its id.</summary>
    public static Task<Guid> ScheduleAsync(RunningSystem system, string token, object meeting) => CreateAsync(system, token, "/api/meetings", meeting);

    /// <summary>Posts <paramref name="body"/>, expects 201 Created, and returns the new resource's id.</summary>
    private static async Task<Guid> CreateAsync(RunningSystem system, string token, string path, object body)
    {
        using var http = DirectoryFlow.Client(system, token);
        using var response = await http.PostAsJsonAsync(path, body);
        return (await JsonAsync(response, System.Net.HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    /// <summary>Uploads a document of <paramref name="meeting"/> (for signed-in people unless <paramref name="isPublic"/>); returns its id.</summary>
    public static async Task<Guid> UploadAsync(RunningSystem system, string token, Guid meeting, string fileName, string title, byte[] content, bool isPublic = false)
    {
        using var http = DirectoryFlow.Client(system, token);
        using var body = new ByteArrayContent(content);
        using var response = await http.PostAsync(
            $"/api/meetings/{meeting}/documents?fileName={Uri.EscapeDataString(fileName)}&title={Uri.EscapeDataString(title)}&kind=other&public={(isPublic ? "true" : "false")}", body);
        return (await JsonAsync(response, System.Net.HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    /// <summary>A draft letter: today's date, a subject, one paragraph.</summary>
    public static object Letter(string subject, bool isPublic = false, Guid[]? annex = null) => new
    {
        date = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        subject,
        body = "I have the honour of addressing you in my capacity as Chair of the Open-Ended Working Group.",
        isPublic,
        annexMeetings = annex ?? [],
    };

    /// <summary>Writes a draft letter; returns its id.</summary>
    public static Task<Guid> DraftAsync(RunningSystem system, string token, object letter) => CreateAsync(system, token, "/api/meetings/letters", letter);
}
