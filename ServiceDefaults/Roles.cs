namespace PocDirectory;

/// <summary>
/// The roles a person may hold (several at once). The State-bound ones act for the one State in the
/// person's <see cref="ApiScopes.StateClaim"/>. Written once, for Identity, which grants them, and
/// every service, which checks them.
/// </summary>
public static class Roles
{
    /// <summary>The Secretariat: everything, including user administration and the audit log.</summary>
    public const string DirectoryManager = "directory-manager";

    /// <summary>Acts for one State: nominates and maintains its points of contact.</summary>
    public const string FocalPoint = "focal-point";

    /// <summary>A point of contact of one State: reads the directory, answers ping tests.</summary>
    public const string PointOfContact = "point-of-contact";

    /// <summary>
    /// A member of one State's Permanent Mission in New York: receives the Chair's letters and invitations,
    /// registers the State's participants in meetings. Reads no contact data of the directory.
    /// </summary>
    public const string Delegate = "delegate";

    /// <summary>The Chair's office: meetings, silence procedures, letters; no contact data.</summary>
    public const string ChairOffice = "chair-office";

    /// <summary>Operations: health, metrics, queues; never contact data, never the audit log's content.</summary>
    public const string Operations = "operations";

    public static readonly IReadOnlyList<string> All = [DirectoryManager, FocalPoint, PointOfContact, Delegate, ChairOffice, Operations];

    /// <summary>Roles that only make sense for one State.</summary>
    public static readonly IReadOnlyList<string> StateBound = [FocalPoint, PointOfContact, Delegate];

    /// <summary>Roles that must never read contact data: they cannot be held with a State-bound role.</summary>
    public static readonly IReadOnlyList<string> ContactBlind = [Operations, ChairOffice];

    /// <summary>A State-bound role together with a contact-blind one: refused at invitation.</summary>
    public static bool IsForbiddenCombination(IEnumerable<string> roles)
    {
        var held = roles as IReadOnlyCollection<string> ?? roles.ToList();
        return held.Intersect(StateBound).Any() && held.Intersect(ContactBlind).Any();
    }

    /// <summary>
    /// The roles a principal acts with: a contact-blind role cancels every State-bound one (an account
    /// from before such combinations were refused, or a token made by hand), so that no check anywhere
    /// lets operations or the Chair's office read a State's contact data. The directory manager keeps all.
    /// </summary>
    public static IReadOnlySet<string> Effective(IEnumerable<string> roles)
    {
        var held = roles.ToHashSet(StringComparer.Ordinal);
        if (!held.Contains(DirectoryManager) && held.Overlaps(ContactBlind))
        {
            held.ExceptWith(StateBound);
        }
        return held;
    }

    public static string DisplayName(string role) => role switch
    {
        DirectoryManager => "Directory manager",
        FocalPoint => "State focal point",
        PointOfContact => "Point of contact",
        Delegate => "Delegate (Permanent Mission)",
        ChairOffice => "Chair's office",
        Operations => "Operations",
        _ => role,
    };
}
