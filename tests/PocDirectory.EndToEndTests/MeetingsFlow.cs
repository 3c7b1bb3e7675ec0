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
