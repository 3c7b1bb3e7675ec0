"""Reads one iCalendar file with Debian's python3-icalendar and prints what it understood, as JSON (the
same shape as read.mjs): the method, the zones defined, and each event's UID, SEQUENCE, status,
summary, organizer, attendees and times (a timed event's as UTC instants, through the file's own VTIMEZONE; an all-day
event's dates). Usage: python3 read.py FILE"""
import datetime
import json
import sys

sys.path.append("/usr/lib/python3/dist-packages")
import icalendar  # noqa: E402

with open(sys.argv[1], "rb") as file:
    calendar = icalendar.Calendar.from_ical(file.read())


def time(prop):
    if prop is None:
        return None
    value = prop.dt
    if not isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d")
    if value.tzinfo is None:
        raise SystemExit("a floating time: " + value.isoformat())
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


events = []
for event in calendar.walk("VEVENT"):
    start = event.get("DTSTART")
    events.append({
        "uid": str(event.get("UID")),
        "sequence": int(event.get("SEQUENCE", 0)),
        "summary": str(event.get("SUMMARY")),
        "status": str(event.get("STATUS")) if event.get("STATUS") else None,
        "transparent": str(event.get("TRANSP", "")) == "TRANSPARENT",
        "tzid": start.params.get("TZID"),
        "start": time(start),
        "end": time(event.get("DTEND")),
        "organizer": str(event.get("ORGANIZER")) if event.get("ORGANIZER") else None,
        "attendees": [str(a) for a in (event.get("ATTENDEE") if isinstance(event.get("ATTENDEE"), list) else [event.get("ATTENDEE")] if event.get("ATTENDEE") else [])],
    })
print(json.dumps({
    "method": str(calendar.get("METHOD")) if calendar.get("METHOD") else None,
    "zones": [str(zone.get("TZID")) for zone in calendar.walk("VTIMEZONE")],
    "events": events,
}))
