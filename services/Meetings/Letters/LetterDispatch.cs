using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Security;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Missions;

namespace PocDirectory.Meetings.Letters;

/// <summary>Every State of the reference list (by name) and the Permanent Missions kept for them: whom a letter or an invitation reaches.</summary>
public sealed record MissionList(IReadOnlyList<MemberStateCopy> States, IReadOnlyDictionary<string, PermanentMission> Missions)
{
    public static async Task<MissionList> LoadAsync(MeetingsDbContext db, CancellationToken ct) =>
        new(await db.MemberStates.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct), await db.Missions.AsNoTracking().ToDictionaryAsync(m => m.State, ct));

    /// <summary>Whether the Meetings service holds the whole list of States yet (it arrives from the Directory over the bus).</summary>
    public bool Complete => States.Count >= MemberStateCopyExtensions.MemberStateCount;

    public bool AnyAddress => Missions.Values.Any(m => m.Emails.Count > 0);

    public string MissionName(MemberStateCopy state) =>
        Missions.GetValueOrDefault(state.Iso3) is { Name.Length: > 0 } mission ? mission.Name : PermanentMission.DefaultName(state);

    /// <summary>The refusal when the list of States is not complete: every mission is reached at once, or none.</summary>
    public string IncompleteDetail(string what) =>
        $"The Meetings service holds {States.Count} States of the Directory's list so far: {what} goes to every mission at once. Try again in a minute.";
}

/// <summary>
/// Sends a letter, whose text is set, to every Permanent Mission: one copy per official address, each with its own
/// acknowledgement link (only the secret's hash is kept), and a row for each mission without an address. The
/// e-mails go into the caller's transaction (the outbox): they leave once, when it commits.
/// </summary>
public static class LetterDispatch
{
    /// <summary>The e-mail template Notifications renders a letter with.</summary>
    public const string Template = "chair-letter";

    /// <summary>The day of <paramref name="at"/> in <paramref name="zone"/>: a letter sent in the New York evening is dated that day.</summary>
    public static DateOnly DayIn(DateTimeOffset at, string zone) =>
        NodaTime.Instant.FromDateTimeOffset(at).InZone(NodaTime.DateTimeZoneProviders.Tzdb[zone]).Date.ToDateOnly();

    /// <summary>A letter the service writes itself (for a procedure), sent now and dated in <paramref name="zone"/>; its text is composed when sent.</summary>
    public static Letter Written(string subject, string body, bool isPublic, string zone, DateTimeOffset now, string? by) => new()
    {
        Date = DayIn(now, zone), Subject = subject, Body = body, IsPublic = isPublic, Status = LetterStatuses.Sent,
        SentAt = now, SentBy = by, CreatedAt = now, UpdatedAt = now,
    };

    /// <summary>Composes the whole text of a letter <see cref="Written"/> here, archives it and sends it to every mission, in the caller's transaction.</summary>
    public static void SendWritten(MeetingsDbContext db, Letter letter, MissionList list, string? web, DateTimeOffset now)
    {
        letter.Text = LetterText.Compose(letter, []);
        db.Letters.Add(letter);
        Send(db, letter, list, web, now);
    }

    /// <summary>Returns how many e-mails, and how many missions had an address.</summary>
    public static (int Emails, int Missions) Send(MeetingsDbContext db, Letter letter, MissionList list, string? web, DateTimeOffset now)
    {
        var link = web is null ? "" : $"{web}/letters/{letter.Id}";
        var emails = new List<SendEmail>();
        var reached = 0;
        foreach (var state in list.States)
        {
            var mission = list.Missions.GetValueOrDefault(state.Iso3);
            var name = list.MissionName(state);
            if (mission is null || mission.Emails.Count == 0)
            {
                db.LetterRecipients.Add(new LetterRecipient { LetterId = letter.Id, State = state.Iso3, MissionName = name, Status = RecipientStatuses.NoAddress, StatusAt = now });
                continue;
            }
            reached++;
            foreach (var email in mission.Emails)
            {
                var token = OneTimeTokens.New();
                var recipient = new LetterRecipient
                {
                    LetterId = letter.Id, State = state.Iso3, MissionName = name, Email = email, EmailId = Guid.CreateVersion7(),
                    Status = RecipientStatuses.Sent, StatusAt = now, AcknowledgementHash = OneTimeTokens.Hash(token),
                };
                db.LetterRecipients.Add(recipient);
                emails.Add(new SendEmail
                {
                    EmailId = recipient.EmailId.Value, To = email, ToName = name, Template = Template, RequestedBy = ResourceNames.Meetings,
                    Values = new Dictionary<string, string>
                    {
                        ["subject"] = letter.Subject, ["text"] = letter.Text!, ["link"] = link,
                        ["acknowledge"] = web is null ? "" : $"{web}/letters/acknowledge?token={token}",
                    },
                });
            }
        }
        // A batch stays within a few megabytes, however long the letter (a proposal under silence runs to 50,000 characters), and
        // in any script (the message's JSON writes a character outside ASCII as six).
        var size = Math.Clamp(4_000_000 / (6 * letter.Text!.Length + 2_000), 1, SendEmailBatch.MaxSize);
        foreach (var chunk in emails.Chunk(size))
        {
            db.AddIntegrationEvent(new SendEmailBatch { Emails = chunk });
        }
        return (emails.Count, reached);
    }
}
