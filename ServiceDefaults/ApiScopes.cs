namespace PocDirectory;

/// <summary>
/// The access token scopes and the API (audience) each one opens. Tokens carry the audiences of their
/// scopes; each service accepts only tokens addressed to it. Written once, for Identity, which issues
/// them, and every service, which checks them.
/// </summary>
public static class ApiScopes
{
    public const string DirectoryRead = "directory.read";
    public const string NominationsRead = "nominations.read";
    public const string NotificationsRead = "notifications.read";
    public const string MeetingsRead = "meetings.read";

    /// <summary>Identity's own API (accounts, invitations, the audit log), for people signed in to the Web only.</summary>
    public const string IdentityApi = "identity.api";

    /// <summary>Scope → the audience (the service's resource name) it grants.</summary>
    public static readonly IReadOnlyDictionary<string, string> Audiences = new Dictionary<string, string>
    {
        [DirectoryRead] = ResourceNames.Directory,
        [NominationsRead] = ResourceNames.Nominations,
        [NotificationsRead] = ResourceNames.Notifications,
        [MeetingsRead] = ResourceNames.Meetings,
        [IdentityApi] = ResourceNames.Identity,
    };

    /// <summary>Read-only scopes a machine client (a national CERT's tool) may be granted.</summary>
    public static readonly IReadOnlyList<string> MachineReadable = [DirectoryRead, NominationsRead, NotificationsRead, MeetingsRead];

    /// <summary>
    /// What a person's sign-in through the Web asks for: who (OpenID Connect), refresh, and every API.
    /// Identity registers them; the Web requests them.
    /// </summary>
    public static readonly IReadOnlyList<string> PersonSignIn = ["openid", "profile", "email", "roles", "offline_access", .. Audiences.Keys];

    /// <summary>
    /// The scopes whose APIs one person token is addressed to. A token for Identity's API is addressed to
    /// Identity alone, and no other token is addressed to it, so that no service receiving a person's
    /// token can replay it to Identity's administration: a token request with no scope (the code
    /// exchange, a plain refresh) gets every granted API but Identity's; a refresh asking for
    /// <see cref="IdentityApi"/> alone gets Identity's; any other subset, that subset without Identity's.
    /// </summary>
    public static IReadOnlyList<string> AddressedTo(IEnumerable<string> granted, IEnumerable<string> requested)
    {
        var grantedApis = granted.Where(Audiences.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
        var asked = requested.Where(Audiences.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
        if (asked.Count == 1 && asked[0] == IdentityApi)
        {
            return grantedApis.Contains(IdentityApi) ? [IdentityApi] : [];
        }
        return [.. (asked.Count == 0 ? grantedApis : asked.Intersect(grantedApis, StringComparer.Ordinal)).Where(s => s != IdentityApi)];
    }

    /// <summary>The claim that binds a principal to one State (ISO 3166-1 alpha-3).</summary>
    public const string StateClaim = "state";
}
