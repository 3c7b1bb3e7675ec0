namespace PocDirectory.Nominations.Workflow;

/// <summary>A request the workflow refuses as a whole (not field by field): 403, 404 or 409, with what is true now.</summary>
public sealed class NominationProblem(int status, string title, string detail, string? currentStatus = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? CurrentStatus { get; } = currentStatus;

    public static NominationProblem NotFound() =>
        new(StatusCodes.Status404NotFound, "No such nomination.", "There is no nomination or point of contact with this id.");

    public static NominationProblem Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, "Not allowed.", detail);

    public static NominationProblem Conflict(string detail, string? currentStatus = null) =>
        new(StatusCodes.Status409Conflict, "The nomination has moved on.", detail, currentStatus);
}
