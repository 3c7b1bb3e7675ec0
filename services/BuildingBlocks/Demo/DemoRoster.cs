namespace PocDirectory.BuildingBlocks.Demo;

/// <summary>
/// The invented data set of <c>./run.sh --demo</c>, as far as services must agree on it: every address
/// is under example.org (reserved for examples, RFC 2606), and the States with demo accounts and
/// machine clients. Each State's first technical point of contact there has a demo account, so the
/// listing and the account meet on one address.
/// </summary>
public static class DemoRoster
{
    public const string Domain = "example.org";

    /// <summary>States with a focal point, a point of contact and a machine client among the demo accounts.</summary>
    public static readonly IReadOnlyList<string> AccountStates = ["FRA", "KEN", "BRA", "JPN"];

    /// <summary>Who the demo data names as its author, in histories and the audit log.</summary>
    public const string Actor = "system:demo";

    public static string FocalPointEmail(string iso3) => $"focal.point.{iso3.ToLowerInvariant()}@{Domain}";

    public static string PocEmail(string iso3) => $"poc.{iso3.ToLowerInvariant()}@{Domain}";

    public static string DelegateEmail(string iso3) => $"delegate.{iso3.ToLowerInvariant()}@{Domain}";

    /// <summary>Whether an address can belong to the demo data; anything else is real data, which the demo never touches.</summary>
    public static bool IsDemoAddress(string? email) =>
        email is not null && email.EndsWith("@" + Domain, StringComparison.OrdinalIgnoreCase);
}
