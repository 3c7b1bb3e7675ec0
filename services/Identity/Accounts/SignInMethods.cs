using System.Security.Claims;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PocDirectory.Identity.Accounts;

public static class SignInMethods
{
    /// <summary>What a sign-in step puts in the session: how the person signed in ("amr", RFC 8176) and when (<see cref="SessionRules"/>).</summary>
    public static Claim[] SignedIn(IEnumerable<string> methods, TimeProvider clock) =>
        [.. methods.Distinct(StringComparer.Ordinal).Select(m => new Claim(Claims.AuthenticationMethodReference, m)), SessionRules.SignedInNow(clock)];

    /// <summary>
    /// A session that gains a method without a new proof of who the person is (the second factor set up at
    /// enrolment): its methods, and the time it signed in, kept (now only if the session never said).
    /// </summary>
    public static Claim[] Extended(ClaimsPrincipal session, IEnumerable<string> methods, TimeProvider clock) =>
        [.. methods.Distinct(StringComparer.Ordinal).Select(m => new Claim(Claims.AuthenticationMethodReference, m)),
            session.FindFirst(Claims.AuthenticationTime) is { } signedIn ? new Claim(signedIn.Type, signedIn.Value, signedIn.ValueType) : SessionRules.SignedInNow(clock)];

    /// <summary>The same claims of a session as it is, for a renewal of it that proves nothing new (a password changed, a key renewed).</summary>
    public static Claim[] Of(ClaimsPrincipal session) =>
        [.. session.FindAll(Claims.AuthenticationMethodReference).Select(c => new Claim(c.Type, c.Value)),
            .. session.FindAll(Claims.AuthenticationTime).Take(1).Select(c => new Claim(c.Type, c.Value, c.ValueType))];

    /// <summary>Copies how and when the person signed in from the session as it was to the session rebuilt from the account.</summary>
    public static void Carry(ClaimsPrincipal? from, ClaimsPrincipal? to)
    {
        if (from is null || to?.Identity is not ClaimsIdentity identity)
        {
            return;
        }
        foreach (var claim in Of(from).Where(c => !to.HasClaim(c.Type, c.Value)))
        {
            if (claim.Type == Claims.AuthenticationTime && to.HasClaim(c => c.Type == Claims.AuthenticationTime))
            {
                continue;
            }
            identity.AddClaim(claim);
        }
    }
}
