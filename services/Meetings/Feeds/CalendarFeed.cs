using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Security;
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

    /// <summary>The SHA-256 of the address's secret (<see cref="OneTimeTokens"/>); the secret itself is only in the answer that made it.</summary>
    public byte[] TokenHash { get; set; } = [];

    /// <summary>The roles the person held when it was made (what it holds is worked out from them at each read).</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>The State the person's roles are for, if any.</summary>
    public string? State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the access token it was made with was issued: a revocation of the person's access from then on ends it.</summary>
    public DateTimeOffset GrantedAt { get; set; }

    /// <summary>It stops working then (<c>Meetings:FeedLifetime</c>, 180 days by default): a new one is made on the Meetings page.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When a calendar application last read it (to the hour), for its owner to see.</summary>
    public DateTimeOffset? LastReadAt { get; set; }

    /// <summary>What a feed holds, from the roles it was made with and the State's current status at the United Nations.</summary>
    public static (bool All, List<string> Audiences) For(IReadOnlyCollection<string> roles, MemberStateCopy? state)
    {
        if (roles.Contains(PocDirectory.Roles.ChairOffice) || roles.Contains(PocDirectory.Roles.DirectoryManager))
        {
            return (true, []);
        }
        var audiences = new List<string> { Schedule.Audiences.Public };
        if ((roles.Contains(PocDirectory.Roles.Delegate) || roles.Contains(PocDirectory.Roles.FocalPoint)) && state is not null)
        {
            audiences.Add(state.UnStatus == "Observer" ? Schedule.Audiences.Observers : Schedule.Audiences.MemberStates);
        }
        if (roles.Contains(PocDirectory.Roles.PointOfContact))
        {
            audiences.Add(Schedule.Audiences.PointsOfContact);
        }
        return (false, audiences);
    }
}

/// <summary>
/// The last moment a person's access was revoked (Identity's <c>PrincipalRevoked</c>): a feed made with a token
/// issued at or before it is refused, also one made while the revocation was still on its way to this service.
/// </summary>
public sealed class RevokedSubject
{
    public string Subject { get; set; } = "";

    public DateTimeOffset RevokedAt { get; set; }
}
