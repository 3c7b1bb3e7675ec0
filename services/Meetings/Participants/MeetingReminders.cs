using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Participants;

/// <summary>The e-mails a meeting's registered participants get: its join link, and the reminders before it.</summary>
public static class ParticipantMail
{
    public const string LinkTemplate = "meeting-link";
    public const string ReminderTemplate = "meeting-reminder";

    /// <summary>How long before a meeting its participants are reminded: <c>Meetings:ReminderOffsets</c>, by default a day and an hour.</summary>
    public static IReadOnlyList<TimeSpan> Offsets(IConfiguration configuration) =>
        (configuration["Meetings:ReminderOffsets"] ?? "1.00:00:00,01:00:00")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => TimeSpan.Parse(o, CultureInfo.InvariantCulture)).Where(o => o > TimeSpan.Zero).Distinct().ToList();

    public static string Before(TimeSpan offset) =>
        offset.TotalDays >= 1 && offset.TotalDays % 1 == 0 ? $"{offset.TotalDays:0} day{(offset.TotalDays == 1 ? "" : "s")}"
        : offset.TotalHours >= 1 && offset.TotalHours % 1 == 0 ? $"{offset.TotalHours:0} hour{(offset.TotalHours == 1 ? "" : "s")}"
        : $"{offset.TotalMinutes:0} minutes";

    /// <summary>Where and how: the room, online, or both, as an e-mail says it.</summary>
    public static string Place(Meeting meeting) => meeting.Format switch
    {
        MeetingFormats.Virtual => "Online (virtual meeting)",
        MeetingFormats.Hybrid => meeting.Room is { } room ? $"{room}, and online" : "In person and online (hybrid)",
        MeetingFormats.InPerson => meeting.Room ?? "In person",
        _ => "To be announced",
    };

    private static Dictionary<string, string> Values(Meeting meeting, Registration participant) => new()
    {
        ["name"] = participant.FullName,
        ["title"] = meeting.Title,
        ["when"] = meeting.Time.Describe(),
        ["place"] = Place(meeting),
        ["link"] = meeting.JoinLink ?? "",
        ["attendance"] = participant.Attendance == Attendances.InPerson ? "in person" : "online",
    };

    /// <summary>The join link, in the caller's transaction (the outbox), to each of <paramref name="participants"/>.</summary>
    public static void SendLink(MeetingsDbContext db, Meeting meeting, IEnumerable<Registration> participants) =>
        Send(db, meeting, participants, LinkTemplate, _ => { });

    public const string DecisionTemplate = "registration-decision";

    /// <summary>The Secretariat's decision on a stakeholder's participant, to the participant, in the caller's transaction.</summary>
    public static void SendDecision(MeetingsDbContext db, Meeting meeting, Registration participant) =>
        Send(db, meeting, [participant], DecisionTemplate, values =>
        {
            values["organization"] = participant.Organization ?? "";
            values["approved"] = participant.Status == RegistrationStatuses.Approved ? "yes" : "";
            values["reason"] = participant.DeclineReason ?? "";
        });

    /// <summary>A reminder, <paramref name="before"/> the start, to each of <paramref name="participants"/>.</summary>
    public static void SendReminder(MeetingsDbContext db, Meeting meeting, IEnumerable<Registration> participants, TimeSpan before) =>
        Send(db, meeting, participants, ReminderTemplate, values => values["before"] = Before(before));

    private static void Send(MeetingsDbContext db, Meeting meeting, IEnumerable<Registration> participants, string template, Action<Dictionary<string, string>> more)
    {
        var emails = participants.Select(p =>
        {
            var values = Values(meeting, p);
            more(values);
            return new SendEmail { EmailId = Guid.CreateVersion7(), To = p.Email, ToName = p.FullName, Template = template, Values = values, RequestedBy = ResourceNames.Meetings };
        }).ToList();
        foreach (var chunk in emails.Chunk(SendEmailBatch.MaxSize))
        {
            db.AddIntegrationEvent(new SendEmailBatch { Emails = chunk });
        }
    }

    /// <summary>
    /// The meeting's reminders, planned again after a change: the unsent ones go, and one per offset is due
    /// before an exact start still ahead (a meeting known only to the day, a cancelled or held one, has none).
    /// </summary>
    public static async Task PlanRemindersAsync(MeetingsDbContext db, Meeting meeting, IReadOnlyList<TimeSpan> offsets, DateTimeOffset now, CancellationToken ct)
    {
        await db.Reminders.Where(r => r.MeetingId == meeting.Id && r.SentAt == null).ExecuteDeleteAsync(ct);
        if (meeting.Time.Precision != TimePrecisions.Exact || meeting.Status is MeetingStatuses.Cancelled or MeetingStatuses.Held or MeetingStatuses.Postponed)
        {
            return;
        }
        foreach (var offset in offsets)
        {
            var due = meeting.StartsAt - offset;
            if (due > now)
            {
                db.Reminders.Add(new MeetingReminder { MeetingId = meeting.Id, DueAt = due, Before = offset });
            }
        }
    }
}

/// <summary>
/// Sends each due reminder once: the row is claimed (FOR UPDATE SKIP LOCKED, so two replicas never take
/// the same one), its e-mails go into the outbox and the row is marked sent, in one transaction.
/// </summary>
public sealed class MeetingReminders(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<MeetingReminders> logger)
    : DeadlineWorker(clock, logger)
{
    protected override int Batch => 20;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(configuration.GetValue("Meetings:ReminderCheckSeconds", 30));

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var now = Clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var due = await db.Reminders
            .FromSql($"""
                SELECT * FROM meeting_reminders
                WHERE "SentAt" IS NULL AND "DueAt" <= {now}
                ORDER BY "DueAt"
                LIMIT {Batch}
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(r => r.DueAt)
            .ToListAsync(ct);
        var handled = 0;
        foreach (var reminder in due)
        {
            // A meeting being changed or cancelled right now holds its row: its reminder waits for the next round, when
            // the change has planned the reminders again (or removed them). The meeting read below is then settled.
            var settled = await db.Database.SqlQuery<Guid>($"""SELECT "Id" AS "Value" FROM meetings WHERE "Id" = {reminder.MeetingId} FOR SHARE SKIP LOCKED""")
                .ToListAsync(ct);
            if (settled.Count == 0)
            {
                continue;
            }
            handled++;
            Claimed(reminder.DueAt);
            reminder.SentAt = now;
            var meeting = await db.Meetings.AsNoTracking().SingleAsync(m => m.Id == reminder.MeetingId, ct);
            // A reminder that comes after the start (the service was down) would only confuse: it is marked, not sent.
            if (meeting.StartsAt <= now || meeting.Status == MeetingStatuses.Cancelled)
            {
                continue;
            }
            var participants = await db.Registrations.AsNoTracking().Attending(meeting.Id).ToListAsync(ct);
            ParticipantMail.SendReminder(db, meeting, participants, reminder.Before);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return handled;
    }
}
