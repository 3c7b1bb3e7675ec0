using PocDirectory.BuildingBlocks.Validation;

namespace PocDirectory.Meetings.Schedule;

/// <summary>
/// A meeting as the Chair's office gives it, to schedule it or to change it (a change names the
/// <see cref="Revision"/> it was made from).
/// </summary>
public sealed record MeetingRequest(
    string? Kind, string? Title, string? Description, string? Format, string? Room, IReadOnlyList<string>? Audience,
    string? Status, MeetingTimeRequest? Time, int? Revision = null,
    bool? RegistrationOpen = null, int? Capacity = null, int? PerDelegation = null, string? JoinLink = null)
{
    public const int TitleLength = 300;
    public const int DescriptionLength = 4000;
    public const int RoomLength = 200;

    /// <summary>The request applied to <paramref name="meeting"/>, or every field error at once (nothing is changed then).</summary>
    public void ApplyTo(Meeting meeting, bool isNew)
    {
        var errors = new FieldErrors();
        // Text that goes into calendar files and letters: no control characters (a line break in a description only).
        void Plain(string field, string? value, bool lineBreaks = false)
        {
            if (value is not null && value.Any(c => char.IsControl(c) && !(lineBreaks && c is '\n' or '\r' or '\t')))
            {
                errors.Add(field, lineBreaks ? "Remove the control characters: only line breaks and tabs are kept." : "Remove the control characters (line breaks and tabs included).");
            }
        }
        var kind = Kind?.Trim().ToLowerInvariant();
        if (kind is null || !MeetingKinds.All.Contains(kind))
        {
            errors.Add("kind", $"Say what kind of meeting it is: one of {string.Join(", ", MeetingKinds.All)}.");
        }
        var title = Title?.Trim();
        Plain("title", title);
        if (string.IsNullOrEmpty(title))
        {
            errors.Add("title", "Give the meeting a title.");
        }
        else if (title.Length > TitleLength)
        {
            errors.Add("title", $"The title is {title.Length} characters long; at most {TitleLength} fit.");
        }
        var description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim();
        Plain("description", description, lineBreaks: true);
        if (description?.Length > DescriptionLength)
        {
            errors.Add("description", $"The description is {description.Length} characters long; at most {DescriptionLength} fit.");
        }
        var format = string.IsNullOrWhiteSpace(Format) ? null : Format.Trim().ToLowerInvariant();
        if (format is not null && !MeetingFormats.All.Contains(format))
        {
            errors.Add("format", $"'{MeetingTime.Shorten(format)}' is not a format: one of {string.Join(", ", MeetingFormats.All)}, or none while it is not known.");
        }
        else if (format is not null && kind == MeetingKinds.Milestone)
        {
            errors.Add("format", "A milestone is not a meeting: it has no format.");
        }
        var room = string.IsNullOrWhiteSpace(Room) ? null : Room.Trim();
        Plain("room", room);
        if (room is not null && !MeetingFormats.HasRoom(format))
        {
            errors.Add("room", "Only a meeting held in person or hybrid has a room.");
        }
        else if (room?.Length > RoomLength)
        {
            errors.Add("room", $"The room is {room.Length} characters long; at most {RoomLength} fit.");
        }
        var audience = (Audience ?? []).Select(a => a?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
        if (audience.Count == 0)
        {
            errors.Add("audience", $"Say who the meeting is for: one or more of {string.Join(", ", Audiences.All)}.");
        }
        else if (audience.FirstOrDefault(a => !Audiences.All.Contains(a)) is { } unknown)
        {
            errors.Add("audience", $"'{MeetingTime.Shorten(unknown)}' is not an audience: one or more of {string.Join(", ", Audiences.All)}.");
        }
        var status = string.IsNullOrWhiteSpace(Status) ? MeetingStatuses.Confirmed : Status.Trim().ToLowerInvariant();
        if (!MeetingStatuses.All.Contains(status))
        {
            errors.Add("status", $"'{MeetingTime.Shorten(status)}' is not a status: one of {string.Join(", ", MeetingStatuses.All)}.");
        }
        else if (status == MeetingStatuses.Cancelled)
        {
            errors.Add("status", "A meeting is cancelled by cancelling it, which tells everyone; not by a change of its status.");
        }
        else if (isNew && status == MeetingStatuses.Postponed)
        {
            errors.Add("status", "A new meeting cannot be postponed yet: schedule it as tentative while its time is not known.");
        }
        if (!isNew && Revision is null)
        {
            errors.Add("revision", "Give the revision of the meeting you changed, so that nobody else's change is lost.");
        }
        // On a change, a field left out (null) keeps its value: a client that never saw the join link does not erase it.
        // An empty link, and a limit of 0, remove them.
        if (Capacity is < 0 or > 100_000)
        {
            errors.Add("capacity", "A capacity is a number of participants from 1 to 100,000 (0: no limit).");
        }
        if (PerDelegation is < 0 or > 1_000)
        {
            errors.Add("perDelegation", "A limit per delegation is a number of participants from 1 to 1,000 (0: no limit).");
        }
        var joinLink = JoinLink is null ? (isNew ? null : meeting.JoinLink) : string.IsNullOrWhiteSpace(JoinLink) ? null : JoinLink.Trim();
        if (joinLink is not null)
        {
            if (format is not (MeetingFormats.Virtual or MeetingFormats.Hybrid))
            {
                errors.Add("joinLink", "Only a virtual or hybrid meeting has a join link.");
            }
            else if (joinLink.Length > 500 || !Uri.TryCreate(joinLink, UriKind.Absolute, out var link) || link.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add("joinLink", "Give the join link as an https:// address of at most 500 characters.");
            }
        }
        var registrationOpen = RegistrationOpen ?? (!isNew && meeting.RegistrationOpen);
        if (registrationOpen && kind == MeetingKinds.Milestone)
        {
            errors.Add("registrationOpen", "A milestone is not a meeting: nobody registers for it.");
        }
        var time = MeetingTime.Parse(Time, errors);
        errors.ThrowIfAny();

        if (!isNew && (!time!.SameAs(meeting.Time) || format != meeting.Format || room != meeting.Room || joinLink != meeting.JoinLink))
        {
            meeting.Sequence++;
        }
        meeting.Kind = kind!;
        meeting.Title = title!;
        meeting.Description = description;
        meeting.Format = format;
        meeting.Room = room;
        meeting.Audience = Audiences.All.Where(audience.Contains).ToList();
        meeting.Status = status;
        meeting.SetTime(time!);
        meeting.RegistrationOpen = registrationOpen;
        meeting.Capacity = Capacity is null ? (isNew ? null : meeting.Capacity) : Capacity == 0 ? null : Capacity;
        meeting.PerDelegation = PerDelegation is null ? (isNew ? null : meeting.PerDelegation) : PerDelegation == 0 ? null : PerDelegation;
        meeting.JoinLink = joinLink;
    }
}
