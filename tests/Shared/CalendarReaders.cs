using System.Diagnostics;
using System.Text.Json;

namespace PocDirectory;

/// <summary>An event as a calendar reader understood it: a timed event's times as UTC instants, an all-day event's as dates.</summary>
public sealed record ReadEvent(
    string Uid, int Sequence, string Summary, string? Status, bool Transparent, string? Tzid, string Start, string? End, string? Organizer, IReadOnlyList<string> Attendees);

public sealed record ReadCalendar(string Reader, string? Method, IReadOnlyList<string> Zones, IReadOnlyList<ReadEvent> Events);

/// <summary>
/// Reads an iCalendar file with two parsers that share nothing with Ical.Net, which wrote it: ical.js
/// (tests/calendar-check/read.mjs, on Node.js) and Debian's python3-icalendar (read.py). Each says what
/// a calendar application would take from the file; a file either cannot read fails the test.
/// </summary>
public static class CalendarReaders
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<IReadOnlyList<ReadCalendar>> ReadAsync(string ics)
    {
        var file = Path.Combine(Path.GetTempPath(), $"calendar-{Guid.NewGuid():N}.ics");
        await File.WriteAllTextAsync(file, ics);
        try
        {
            var folder = Path.Combine(PocDirectory.AppHost.RepositoryPaths.FindRoot(), "tests", "calendar-check");
            return
            [
                await RunAsync("ical.js", "node", Path.Combine(folder, "read.mjs"), file),
                await RunAsync("python3-icalendar", "/usr/bin/python3", Path.Combine(folder, "read.py"), file),
            ];
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<ReadCalendar> RunAsync(string reader, string program, string script, string file)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(file);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{reader} could not read the calendar file (exit {process.ExitCode}): {await stderr}");
        }
        var read = JsonSerializer.Deserialize<ReadCalendar>(await stdout, Json)!;
        return read with { Reader = reader };
    }
}
