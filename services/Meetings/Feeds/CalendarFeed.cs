using System.Security.Cryptography;
using System.Text;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Feeds;

/// <summary>
/// A person's own calendar feed: a secret address a calendar application subscribes to, holding the meetings of
/// the audiences the person belonged to when it was made (a State's delegates and focal points: its Member State
/// or observer meetings; points of contact: theirs; the Chair's office and the Secretariat: all), public ones too.
/// Only the secret's SHA-256 is kept. One per person: a new one replaces it, and it ends when the person's access
/// ends (<c>PrincipalRevoked</c>: a change of roles, a disabled account, "sign out everywhere").
/// </summary>
public sealed class CalendarFeed
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The account (the tokens' subject).</summary>
    public string Subject { get; set; } = "";

    public string TokenHash { get; set; } = "";

    /// <summary>Every meeting, whatever its audience (the Chair's office, the Secretariat).</summary>
    public bool All { get; set; }

    /// <summary>The audiences whose meetings it holds.</summary>
    public List<string> Audiences { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A new secret: 256 random bits, URL-safe.</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>What a person's feed holds, from the roles the caller has now (and the State's status at the United Nations).</summary>
    public static (bool All, List<string> Audiences) For(Caller caller, MemberStateCopy? state)
    {
        if (caller.Roles.Contains(Roles.ChairOffice) || caller.Roles.Contains(Roles.DirectoryManager))
        {
            return (true, []);
        }
        var audiences = new List<string> { Schedule.Audiences.Public };
        if ((caller.Roles.Contains(Roles.Delegate) || caller.Roles.Contains(Roles.FocalPoint)) && state is not null)
        {
            audiences.Add(state.UnStatus == "Observer" ? Schedule.Audiences.Observers : Schedule.Audiences.MemberStates);
        }
        if (caller.Roles.Contains(Roles.PointOfContact))
        {
            audiences.Add(Schedule.Audiences.PointsOfContact);
        }
        return (false, audiences);
    }

    public bool Holds(Meeting meeting) => All || meeting.Audience.Any(Audiences.Contains);
}
