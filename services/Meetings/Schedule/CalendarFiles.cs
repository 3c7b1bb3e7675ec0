using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace PocDirectory.Meetings.Schedule;

/// <summary>
/// Meetings as iCalendar (RFC 5545), written with Ical.Net: one UID per meeting for its whole life, its
/// SEQUENCE, a VTIMEZONE for every zone an event names, and the status. A time known to the minute is
/// an event in its zone; a day or a span of days is an all-day event; a week or a month not yet fixed
/// is an all-day event over all of it that does not block the reader's time (TRANSP:TRANSPARENT),
/// whose description says how much is known.
/// </summary>
public static class CalendarFiles
{
    public const string ProductId = "-//PocDirectory//Meetings//EN";
    public const string ContentType = "text/calendar; charset=utf-8";

    /// <summary>
    /// A calendar of <paramref name="meetings"/> to subscribe to or to import (METHOD:PUBLISH); with
    /// <paramref name="asCancelled"/>, each marked cancelled for its readers (a meeting no longer open to them).
    /// </summary>
    public static string Publish(IEnumerable<Meeting> meetings, string name, bool asCancelled = false)
    {
        var list = meetings.ToList();
        var calendar = new Calendar { ProductId = ProductId, Method = "PUBLISH" };
        calendar.AddProperty("X-WR-CALNAME", name);
        calendar.AddProperty("X-WR-TIMEZONE", MeetingTime.NewYork);
        AddZones(calendar, list);
        foreach (var meeting in list.OrderBy(m => m.StartsAt))
        {
            var calendarEvent = Event(meeting);
            if (asCancelled)
            {
                calendarEvent.Status = EventStatus.Cancelled;
            }
            calendar.Events.Add(calendarEvent);
        }
        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    /// <summary>A person a calendar object names: an address and a name.</summary>
    public sealed record Person(string Email, string Name);

    /// <summary>
    /// A scheduling message for one invitee (iTIP, RFC 5546): METHOD:REQUEST for the invitation and every
    /// update (the same UID, a higher SEQUENCE), METHOD:CANCEL for the cancellation, with the ORGANIZER and
    /// the invitee as ATTENDEE, as calendar applications require to apply it.
    /// </summary>
    public static string Itip(Meeting meeting, string method, Person organizer, Person attendee)
    {
        if (method is not ("REQUEST" or "CANCEL"))
        {
            throw new ArgumentOutOfRangeException(nameof(method), method, "An invitation is a REQUEST or a CANCEL.");
        }
        var calendar = new Calendar { ProductId = ProductId, Method = method };
        AddZones(calendar, [meeting]);
        var calendarEvent = Event(meeting);
        calendarEvent.Organizer = new Organizer($"mailto:{organizer.Email}") { CommonName = organizer.Name };
        calendarEvent.Attendees.Add(new Attendee($"mailto:{attendee.Email}")
        {
            CommonName = attendee.Name,
            Role = "REQ-PARTICIPANT",
            ParticipationStatus = "NEEDS-ACTION",
            Rsvp = false,
        });
        if (method == "CANCEL")
        {
            calendarEvent.Status = EventStatus.Cancelled;
        }
        calendar.Events.Add(calendarEvent);
        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    /// <summary>A VTIMEZONE for every zone the meetings' exact times name.</summary>
    private static void AddZones(Calendar calendar, IReadOnlyCollection<Meeting> meetings)
    {
        foreach (var zone in meetings.Where(m => m.Time.Precision == TimePrecisions.Exact).GroupBy(m => m.Time.Zone).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // The zone's rules from a year before its earliest meeting (or before today, whichever comes first: the library
            // reads the zone's history up to today) on: enough for every event here, short enough to read.
            var earliest = new[] { zone.Min(m => m.StartsAt).UtcDateTime, DateTime.UtcNow }.Min().AddYears(-1);
            calendar.AddTimeZone(zone.Key, earliest, includeHistoricalData: false);
        }
    }

    public static string Uid(Meeting meeting) => $"{meeting.Id}@meetings.pocdirectory";

    private static CalDateTime Utc(DateTimeOffset at) => new(at.UtcDateTime, "UTC");

    private static CalendarEvent Event(Meeting meeting)
    {
        var time = meeting.Time;
        var calendarEvent = new CalendarEvent
        {
            Uid = Uid(meeting),
            Sequence = meeting.Sequence,
            Summary = meeting.Title,
            DtStamp = Utc(meeting.UpdatedAt),
            Created = Utc(meeting.CreatedAt),
            LastModified = Utc(meeting.UpdatedAt),
            Status = meeting.Status switch
            {
                MeetingStatuses.Cancelled => EventStatus.Cancelled,
                MeetingStatuses.Confirmed or MeetingStatuses.Held => EventStatus.Confirmed,
                _ => EventStatus.Tentative,
            },
            Categories = [MeetingKinds.DisplayName(meeting.Kind)],
        };
        if (time.Precision == TimePrecisions.Exact)
        {
            calendarEvent.DtStart = new CalDateTime(time.StartDate, time.StartTime, time.Zone);
            if (time.EndTime is { } end)
            {
                calendarEvent.DtEnd = new CalDateTime(time.StartDate, end, time.Zone);
            }
        }
        else
        {
            var (first, last) = time.Days;
            calendarEvent.DtStart = new CalDateTime(first);
            calendarEvent.DtEnd = new CalDateTime(last.AddDays(1));
            if (time.Precision is TimePrecisions.Week or TimePrecisions.Month || time.EndApproximate)
            {
                calendarEvent.Transparency = TransparencyType.Transparent;
            }
        }
        var location = meeting.Format switch
        {
            MeetingFormats.Virtual => "Virtual",
            MeetingFormats.InPerson or MeetingFormats.Hybrid when meeting.Room is { } room => meeting.Format == MeetingFormats.Hybrid ? $"{room} and online" : room,
            MeetingFormats.Hybrid => "Hybrid: in person and online",
            _ => null,
        };
        if (location is not null)
        {
            calendarEvent.Location = location;
        }
        var lines = new List<string> { $"When: {time.Describe()}{(time.Precision is TimePrecisions.Week or TimePrecisions.Month ? " (the exact date is not fixed yet)" : "")}" };
        lines.Add($"{MeetingKinds.DisplayName(meeting.Kind)}{(meeting.Format is { } format ? $", {MeetingFormats.DisplayName(format).ToLowerInvariant()}" : "")}");
        lines.Add($"For: {string.Join(", ", meeting.Audience.Select(Audiences.DisplayName))}");
        if (meeting.Status is MeetingStatuses.Tentative or MeetingStatuses.Postponed)
        {
            lines.Add(MeetingStatuses.DisplayName(meeting.Status));
        }
        if (meeting.Description is { } description)
        {
            lines.Add("");
            lines.Add(description);
        }
        calendarEvent.Description = string.Join("\n", lines);
        return calendarEvent;
    }
}
