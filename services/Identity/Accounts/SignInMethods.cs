using System.Security.Claims;

namespace PocDirectory.Identity.Accounts;

public static class SignInMethods
{
    /// <summary>Copies every "amr" claim (how the person signed in) from the session as it was to the session rebuilt from the account.</summary>
    public static void Carry(ClaimsPrincipal? from, ClaimsPrincipal? to)
    {
        if (from is null || to?.Identity is not ClaimsIdentity identity)
        {
            return;
        }
        foreach (var method in PersonPrincipal.MethodsOf(from).Where(m => !to.HasClaim("amr", m)))
        {
            identity.AddClaim(new Claim("amr", method));
        }
    }
}
