using PocDirectory.BuildingBlocks.Validation;

namespace PocDirectory.Meetings.Participants;

public static class Attendances
{
    public const string InPerson = "in-person";
    public const string Online = "online";

    public static readonly IReadOnlyList<string> All = [InPerson, Online];
}

public static class RegistrationStatuses
{
    /// <summary>Takes part: every participant a delegate registers, and a stakeholder's once the Secretariat approves.</summary>
    public const string Approved = "approved";

    /// <summary>A stakeholder's participant waiting for the Secretariat's approval: no join link, no reminders yet.</summary>
    public const string Pending = "pending";

    /// <summary>A stakeholder's participant the Secretariat declined, with the reason the participant is told.</summary>
    public const string Declined = "declined";

    public static string DisplayName(string status) => status switch
    {
        Approved => "Approved",
        Pending => "Waiting for the Secretariat's approval",
        Declined => "Declined",
        _ => status,
    };
}

/// <summary>
/// A participant a State's delegate registered for a meeting: a name, a function, an address (where the
/// join link and the reminders go) and how they attend; or one an accredited stakeholder registered through its
/// invitation's link (<see cref="StakeholderId"/>, no State), who takes part once the Secretariat approves. Withdrawn
/// and declined registrations stay, marked, for the record; they count no more.
/// </summary>
public sealed class Registration
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid MeetingId { get; set; }

    /// <summary>The State of the delegation; empty for a stakeholder's participant.</summary>
    public string State { get; set; } = "";

    /// <summary>The accredited stakeholder's application, for a stakeholder's participant.</summary>
    public Guid? StakeholderId { get; set; }

    /// <summary>The stakeholder organization's name, for a stakeholder's participant.</summary>
    public string? Organization { get; set; }

    public string Status { get; set; } = RegistrationStatuses.Approved;

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>Who approved or declined a stakeholder's participant (the account's subject).</summary>
    public string? DecidedBy { get; set; }

    public string? DeclineReason { get; set; }

    public string FullName { get; set; } = "";

    public string Function { get; set; } = "";

    public string Email { get; set; } = "";

    public string Attendance { get; set; } = Attendances.Online;

    /// <summary>The delegate who registered the participant (the account's subject), or "stakeholder" for a stakeholder's link.</summary>
    public string RegisteredBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? WithdrawnAt { get; set; }
}

public static class RegistrationQueries
{
    /// <summary>The meeting's participants who take part: not withdrawn, and approved (the join link and the reminders go to them).</summary>
    public static IQueryable<Registration> Attending(this IQueryable<Registration> registrations, Guid meetingId) =>
        registrations.Where(r => r.MeetingId == meetingId && r.WithdrawnAt == null && r.Status == RegistrationStatuses.Approved);

    /// <summary>The meeting's registrations that stand: not withdrawn, not declined (approved, or waiting for the Secretariat's approval).</summary>
    public static IQueryable<Registration> Holding(this IQueryable<Registration> registrations, Guid meetingId) =>
        registrations.Where(r => r.MeetingId == meetingId && r.WithdrawnAt == null && r.Status != RegistrationStatuses.Declined);
}

/// <summary>A participant as the delegate gives them.</summary>
public sealed record RegistrationRequest(string? FullName, string? Function, string? Email, string? Attendance)
{
    /// <summary>The checked values, or every field error at once.</summary>
    public (string FullName, string Function, string Email, string Attendance) Validate(string? format)
    {
        var errors = new FieldErrors();
        string Text(string field, string? value, string what, int length)
        {
            var text = value?.Trim() ?? "";
            if (text.Length == 0)
            {
                errors.Add(field, $"Give the participant's {what}.");
            }
            else if (text.Length > length || text.Any(char.IsControl))
            {
                errors.Add(field, $"Give the {what} on one line, in at most {length} characters.");
            }
            return text;
        }
        var name = Text("fullName", FullName, "full name", 200);
        var function = Text("function", Function, "function (e.g. Counsellor, Permanent Mission)", 200);
        var email = Email?.Trim() ?? "";
        if (!EmailAddresses.IsValid(email))
        {
            errors.Add("email", "Give the participant's e-mail address: the join link and the reminders go there.");
        }
        var attendance = Attendance?.Trim().ToLowerInvariant() ?? "";
        if (!Attendances.All.Contains(attendance))
        {
            errors.Add("attendance", "Say whether the participant attends in person or online.");
        }
        else if (attendance == Attendances.InPerson && format == Schedule.MeetingFormats.Virtual)
        {
            errors.Add("attendance", "The meeting is virtual: participants attend online.");
        }
        else if (attendance == Attendances.Online && format == Schedule.MeetingFormats.InPerson)
        {
            errors.Add("attendance", "The meeting is held in person only.");
        }
        errors.ThrowIfAny();
        return (name, function, email, attendance);
    }
}

/// <summary>
/// A reminder of a meeting due at an instant (by default a day and an hour before its start), sent once
/// to its registered participants by <see cref="MeetingReminders"/>. A change of time replaces the unsent
/// ones; a cancellation removes them.
/// </summary>
public sealed class MeetingReminder
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid MeetingId { get; set; }

    public DateTimeOffset DueAt { get; set; }

    /// <summary>How long before the start, as the e-mail says it ("1 day", "1 hour").</summary>
    public TimeSpan Before { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}
