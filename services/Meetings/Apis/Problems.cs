using System.Security.Claims;

namespace PocDirectory.Meetings.Apis;

/// <summary>The refusals the Meetings API answers, as problem details, and who counts as a signed-in person here.</summary>
public static class Problems
{
    public static IResult NotAllowed(string detail) =>
        TypedResults.Problem(title: "Not allowed.", detail: detail, statusCode: StatusCodes.Status403Forbidden);

    public static IResult NoMeeting() =>
        TypedResults.Problem(title: "No such meeting.", detail: "No meeting with this id is visible to you.", statusCode: StatusCodes.Status404NotFound);

    public static IResult Conflict(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);

    /// <summary>
    /// The State a signed-in delegate acts for, or null: only a person (never a machine client) holding the delegate role
    /// and bound to a State registers participants, breaks silence or objects to an applicant, and only for that State.
    /// </summary>
    public static string? DelegateState(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && Caller.From(user) is { IsMachine: false } caller && caller.Roles.Contains(Roles.Delegate) && caller.State is { Length: 3 } state
            ? state : null;

    /// <summary>A person signed in with a role: sees every meeting and every sent letter. Machine clients read the directory, not these.</summary>
    public static bool SignedInPerson(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && Caller.From(user) is { IsMachine: false } caller && caller.Roles.Count > 0;
}
