using System.Globalization;
using NodaTime;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Letters;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Silence;

/// <summary>
/// The letters a silence procedure sends to every Permanent Mission (circulation, extension, withdrawal, outcome),
/// written as the Chair writes them and archived with the other letters, and the notice the Chair's office gets.
/// </summary>
public static class SilenceLetters
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>The proposal's paragraphs: its blocks of text between blank lines.</summary>
    public static IReadOnlyList<string> Paragraphs(string proposal) =>
        proposal.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The proposal with its paragraphs numbered, as an objection refers to them.</summary>
    public static string Numbered(string proposal) =>
        string.Join("\n\n", Paragraphs(proposal).Select((p, i) => $"{i + 1}. {p}"));

    /// <summary>An instant as the letters say it, in the procedure's zone: "Tuesday, 25 January 2022 at 6.00pm (New York time)".</summary>
    public static string Describe(DateTimeOffset at, string zone)
    {
        var local = Instant.FromDateTimeOffset(at).InZone(DateTimeZoneProviders.Tzdb[zone]).LocalDateTime;
        var time = new MeetingTime
        {
            Precision = TimePrecisions.Exact, Zone = zone, StartDate = local.Date.ToDateOnly(), StartTime = local.TimeOfDay.ToTimeOnly(),
        };
        var said = time.Describe(DateStyle.Prose);
        // Deadlines are given to the minute; an instant with seconds (an objection's receipt) says them too.
        if (local.Second == 0)
        {
            return said;
        }
        var minute = local.TimeOfDay.ToTimeOnly().ToString("h.mm", English);
        var where = said.IndexOf(" at " + minute, StringComparison.Ordinal) + 4;
        return said[..where] + local.TimeOfDay.ToTimeOnly().ToString("h.mm.ss", English) + said[(where + minute.Length)..];
    }

    public static string Names(IEnumerable<string> states, IReadOnlyDictionary<string, string> names) =>
        string.Join(", ", states.Select(s => names.GetValueOrDefault(s, s)));

    private static Letter Sent(SilenceProcedure procedure, string subject, string body, bool isPublic, DateTimeOffset now, string? by) =>
        LetterDispatch.Written(subject, body, isPublic, procedure.Zone, now, by);

    public static Letter Circulation(SilenceProcedure procedure, DateTimeOffset now, string? by) => Sent(procedure,
        $"Silence procedure: {procedure.Subject}",
        $"""
        I have the honour to circulate to all Member States the Chair's proposal on {procedure.Subject}, set out below, which I hereby place under a silence procedure.

        The silence procedure will expire on {Describe(procedure.ExpiresAt, procedure.Zone)}. A Member State wishing to break silence is requested to do so by a written objection, submitted by its delegation before that time, indicating the paragraphs concerned and any amendment proposed. If no objection is received before the expiry, the proposal will be considered adopted.

        PROPOSAL

        {Numbered(procedure.Proposal)}
        """,
        procedure.IsPublic, now, by);

    public static Letter Extension(SilenceProcedure procedure, DateTimeOffset previous, string? note, DateTimeOffset now, string? by) => Sent(procedure,
        $"Extension of the silence procedure: {procedure.Subject}",
        $"""
        I wish to inform you that the silence procedure on the Chair's proposal on {procedure.Subject}, circulated on {Day(procedure.CirculatedAt, procedure.Zone)}, which was to expire on {Describe(previous, procedure.Zone)}, is extended. It will now expire on {Describe(procedure.ExpiresAt, procedure.Zone)}.
        {Note(note)}
        Objections already received stand unless withdrawn. A Member State wishing to break silence may do so until the new expiry.
        """,
        procedure.IsPublic, now, by);

    /// <summary>A version of the proposal's document, circulated while silence runs (its version is the procedure's latest).</summary>
    public static Letter Document(SilenceProcedure procedure, string fileName, string? web, DateTimeOffset now, string? by) => Sent(procedure,
        $"Silence procedure: {procedure.Subject}: document, version {procedure.DocumentVersion}",
        $"""
        I have the honour to circulate version {procedure.DocumentVersion} of the document of the Chair's proposal on {procedure.Subject}, placed under a silence procedure on {Day(procedure.CirculatedAt, procedure.Zone)}: “{fileName}”{(procedure.DocumentVersion > 1 ? $", which replaces version {procedure.DocumentVersion - 1}" : "")}. It may be read and downloaded with the proposal{(web is null ? "" : $" at {web}/silence/{procedure.Id}")}.

        The silence procedure will expire on {Describe(procedure.ExpiresAt, procedure.Zone)}.
        """,
        procedure.IsPublic, now, by);

    public static Letter Withdrawal(SilenceProcedure procedure, string? note, DateTimeOffset now, string? by) => Sent(procedure,
        $"Withdrawal of the proposal under silence: {procedure.Subject}",
        $"""
        I wish to inform you that I have withdrawn the Chair's proposal on {procedure.Subject}, circulated on {Day(procedure.CirculatedAt, procedure.Zone)} under a silence procedure. The silence procedure has ended; no decision has been taken.
        {Note(note)}
        """,
        procedure.IsPublic, now, by);

    public static Letter Adoption(SilenceProcedure procedure, DateTimeOffset now) => Sent(procedure,
        $"Silence procedure: {procedure.Subject}: adopted",
        $"""
        I have the honour to inform you that no objection was received before the expiry of the silence procedure on the Chair's proposal on {procedure.Subject}, on {Describe(procedure.ExpiresAt, procedure.Zone)}.

        Silence has therefore passed, and the proposal is adopted{(procedure.DocumentVersion > 0 ? $", with version {procedure.DocumentVersion} of its document" : "")}.
        """,
        procedure.IsPublic, now, by: null);

    /// <summary>The letter that tells every mission silence was broken, and by whom: Member States are told; the public letter archive is not.</summary>
    public static Letter NotAdopted(SilenceProcedure procedure, IReadOnlyDictionary<string, string> names, string? note, DateTimeOffset now, string? by) => Sent(procedure,
        $"Silence procedure: {procedure.Subject}: not adopted",
        $"""
        I wish to inform you that silence on the Chair's proposal on {procedure.Subject}, which expired on {Describe(procedure.ExpiresAt, procedure.Zone)}, was broken by {Names(procedure.BrokenBy, names)}.

        The proposal is therefore not adopted.
        {Note(note)}
        """,
        isPublic: false, now, by);

    private static string Day(DateTimeOffset at, string zone) => LetterDispatch.DayIn(at, zone).ToString("d MMMM yyyy", English);

    private static string Note(string? note) => note is null ? "" : $"\n{note}\n";

    /// <summary>Fills in the whole text of a letter made here and adds it, sent to every mission, to the caller's transaction.</summary>
    public static void Send(MeetingsDbContext db, SilenceProcedure procedure, Letter letter, MissionList missions, string? web, DateTimeOffset now)
    {
        letter.Body = letter.Body.Replace("\n\n\n", "\n\n", StringComparison.Ordinal).Trim();
        LetterDispatch.SendWritten(db, letter, missions, web, now);
        procedure.Letters.Add(letter.Id);
    }
}
