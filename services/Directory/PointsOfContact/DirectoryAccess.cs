namespace PocDirectory.Directory.PointsOfContact;

/// <summary>
/// Who reads the directory: the directory manager, and the focal points, points of contact and
/// machine clients of participating States (a State participates once it has a listed point of
/// contact). Operations and the Chair's office never do, whatever else they hold.
/// </summary>
public static class DirectoryAccess
{
    public static bool MayRead(Caller caller, DirectorySnapshot snapshot)
    {
        if (caller.IsDirectoryManager)
        {
            return true;
        }
        if (caller.State is not { } state || !snapshot.Participating.Contains(state))
        {
            return false;
        }
        return caller.IsMachine || caller.Roles.Contains(Roles.FocalPoint) || caller.Roles.Contains(Roles.PointOfContact);
    }

    /// <summary>Null when the caller may read; otherwise the 403 to answer.</summary>
    public static IResult? Refusal(Caller caller, DirectorySnapshot snapshot)
    {
        if (MayRead(caller, snapshot))
        {
            return null;
        }
        var detail = caller.State is { } state && !caller.IsDirectoryManager
            && (caller.IsMachine || caller.Roles.Contains(Roles.FocalPoint) || caller.Roles.Contains(Roles.PointOfContact))
            ? $"{state} does not participate in the directory yet: a State reads it once one of its points of contact is listed."
            : "The directory is read by the directory manager and by participating States' focal points and points of contact only.";
        return TypedResults.Problem(title: "Not allowed.", detail: detail, statusCode: StatusCodes.Status403Forbidden);
    }
}
