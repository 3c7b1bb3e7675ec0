using System.Globalization;
using System.Net.Http.Json;

namespace PocDirectory.Web.Services;

public sealed record MeetingTimeView(string Precision, string? Date, string? EndDate, string? StartTime, string? EndTime, string? Month, string? Week, string Zone);

/// <summary>A meeting as the Meetings API shows it.</summary>
public sealed record MeetingSummary(
    Guid Id, string Kind, string KindName, string Title, string? Description, string? Format, string? Room, IReadOnlyList<string> Audience,
    string Status, string StatusName, MeetingTimeView Time, string When, DateTimeOffset StartsAt, DateTimeOffset EndsAt)
{
    public bool IsPublic => Audience.Contains("public");

    public bool HasExactTime => Time.Precision == "exact";

    public int Year => StartsAt.Year;
}

/// <summary>
/// The schedule through the gateway: the public part for everyone, every meeting for a signed-in
/// person (the call then carries the person's token).
/// </summary>
public sealed class MeetingClient(HttpClient http)
{
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["substantive-session"] = "Substantive sessions",
        ["informal-intersessional"] = "Informal intersessional meetings",
        ["townhall"] = "Townhall meetings",
        ["consultations-member-states"] = "Informal consultations with Member States",
        ["consultations-stakeholders"] = "Informal consultations with stakeholders",
        ["briefing"] = "Briefings",
        ["poc-meeting"] = "Points of contact meetings",
        ["exercise"] = "Exercises",
        ["milestone"] = "Milestones",
    };

    public async Task<IReadOnlyList<MeetingSummary>> ScheduleAsync(bool signedIn, string? kind, CancellationToken ct)
    {
        var path = signedIn ? "api/meetings" : "api/meetings/schedule";
        if (kind is not null && Kinds.ContainsKey(kind))
        {
            path += "?kind=" + Uri.EscapeDataString(kind);
        }
        return await http.GetFromJsonAsync<List<MeetingSummary>>(path, ct) ?? [];
    }

    /// <summary>The instant written as the browser's script reads it (the page shows New York's time without it).</summary>
    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
