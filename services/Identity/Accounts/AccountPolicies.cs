namespace PocDirectory.Identity.Accounts;

public static class AccountPolicies
{
    /// <summary>Signed in to Identity's pages, perhaps with a password only: enough for enrolment and nothing else.</summary>
    public const string SignedIn = "signed-in";

    /// <summary>Signed in to Identity's pages with two factors.</summary>
    public const string SignedInWithTwoFactors = "signed-in-mfa";

    /// <summary>A token of a directory manager (who signed in with two factors: every person token does).</summary>
    public const string DirectoryManager = "directory-manager";
}
