using System.Globalization;
using System.Security.Claims;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// How old a session may be, counted from the last time the person proved who they are (the
/// <c>auth_time</c> claim of OpenID Connect, which every sign-in step sets and every renewal of the
/// session carries): changing how one signs in needs a sign-in within <see cref="FreshFor"/>
/// (10 minutes, <c>SignIn:FreshMinutes</c>), and no session, nor the tokens it gives, outlives
/// <see cref="Lifetime"/> (12 hours, <c>SignIn:SessionHours</c>) however active it stays. A session
/// without the claim (opened before it existed) counts as neither fresh nor alive.
/// </summary>
public sealed class SessionRules(IConfiguration configuration, TimeProvider clock)
{
    public TimeSpan FreshFor { get; } = TimeSpan.FromMinutes(configuration.GetValue("SignIn:FreshMinutes", 10.0));

    public TimeSpan Lifetime { get; } = TimeSpan.FromHours(configuration.GetValue("SignIn:SessionHours", 12.0));

    /// <summary>The claim a sign-in step adds: now, in seconds since the epoch.</summary>
    public static Claim SignedInNow(TimeProvider clock) => SignedInClaim(clock.GetUtcNow());

    /// <summary>The claim saying when the person signed in (OpenID Connect's auth_time), in sessions and tokens alike.</summary>
    public static Claim SignedInClaim(DateTimeOffset signedInAt) =>
        new(Claims.AuthenticationTime, signedInAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64);

    /// <summary>When the person last proved who they are, if the principal says.</summary>
    public static DateTimeOffset? SignedInAt(ClaimsPrincipal? principal) =>
        principal?.FindFirst(Claims.AuthenticationTime)?.Value is { } value
        && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary>Signed in recently enough to change how the account signs in.</summary>
    public bool IsFresh(ClaimsPrincipal? principal) =>
        SignedInAt(principal) is { } at && clock.GetUtcNow() - at <= FreshFor && at <= clock.GetUtcNow() + TimeSpan.FromMinutes(1);

    /// <summary>The session (or the tokens it gave) has reached its absolute lifetime, or never said when it began.</summary>
    public bool HasEnded(ClaimsPrincipal? principal) =>
        SignedInAt(principal) is not { } at || clock.GetUtcNow() - at > Lifetime;
}
