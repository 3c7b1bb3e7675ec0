// Writes each <time data-local-time> in the reader's own time zone, beside the New York time the page
// gives: the page reads fully without it.
for (const element of document.querySelectorAll("time[data-local-time]")) {
  const at = new Date(element.getAttribute("datetime"));
  if (Number.isNaN(at.getTime())) continue;
  element.textContent = new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit", timeZoneName: "short",
  }).format(at);
  element.title = Intl.DateTimeFormat().resolvedOptions().timeZone;
}
