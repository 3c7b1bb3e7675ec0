// Reads one iCalendar file with ical.js and prints, as JSON, what a calendar application would take
// from it: the method, the zones defined, and each event's UID, SEQUENCE, status, summary, organizer, attendees and times
// (a timed event's start and end as UTC instants, resolved through the file's own VTIMEZONE; an
// all-day event's dates). Usage: node read.mjs FILE
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const component = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
const zones = component.getAllSubcomponents("vtimezone").map((vtimezone) => {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone, vtimezone.getFirstPropertyValue("tzid"));
  return vtimezone.getFirstPropertyValue("tzid");
});
const time = (value) => (value === null ? null : value.isDate ? value.toString() : value.toJSDate().toISOString());
const events = component.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  const start = vevent.getFirstProperty("dtstart");
  return {
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    status: vevent.getFirstPropertyValue("status"),
    transparent: vevent.getFirstPropertyValue("transp") === "TRANSPARENT",
    tzid: start.getParameter("tzid") ?? null,
    start: time(event.startDate),
    end: vevent.hasProperty("dtend") ? time(event.endDate) : null,
    organizer: vevent.getFirstPropertyValue("organizer") ?? null,
    attendees: vevent.getAllProperties("attendee").map((attendee) => attendee.getFirstValue()),
  };
});
console.log(JSON.stringify({ method: component.getFirstPropertyValue("method"), zones, events }));
