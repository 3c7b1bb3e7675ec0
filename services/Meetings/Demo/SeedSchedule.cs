using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using Microsoft.EntityFrameworkCore;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Demo;

/// <summary>Adds the meetings of the Chair's seed letters (<see cref="SeedLetters.Meetings"/>) that are not there yet; running it again adds nothing.</summary>
public sealed class SeedSchedule(MeetingsDbContext db, TimeProvider clock)
{
    public async Task<string> LoadAsync(CancellationToken ct)
    {
        var present = await db.Meetings.Where(m => m.SeedKey != null).Select(m => m.SeedKey!).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var added = SeedLetters.Meetings.Where(s => !present.Contains($"{s.Letter.Key}/{s.Key}")).Select(s => s.ToMeeting(now)).ToList();
        db.Meetings.AddRange(added);
        await db.SaveChangesAsync(ct);
        var letters = await LoadLettersAsync(now, ct);
        var procedures = await LoadProceduresAsync(now, ct);
        return added.Count == 0 && letters == 0 && procedures == 0
            ? $"The meetings of the Chair's letters are there already ({present.Count})."
            : $"Added {added.Count} meetings, {procedures} silence procedure{(procedures == 1 ? "" : "s")} and {letters} letters of the Chair's letters of {string.Join(", ", SeedLetters.Letters.Select(l => l.Date.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)))}.";
    }

    /// <summary>The key of the silence procedure the letter of 17 December 2021 announced.</summary>
    public const string StakeholderModalitiesSilence = "2022-01-18";

    /// <summary>
    /// The silence procedures of the seed letters, as history: the Chair's proposal on the modalities of stakeholder
    /// participation, circulated on 18 January 2022 under silence until 25 January 2022, when silence was broken. The
    /// letters give the days, not the hour of the expiry (6 pm in New York is taken) nor the text or who broke it.
    /// </summary>
    private async Task<int> LoadProceduresAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (await db.SilenceProcedures.AnyAsync(p => p.SeedKey == StakeholderModalitiesSilence, ct))
        {
            return 0;
        }
        var expiry = new DateTimeOffset(2022, 1, 25, 18, 0, 0, TimeSpan.FromHours(-5)).ToUniversalTime();
        db.SilenceProcedures.Add(new Silence.SilenceProcedure
        {
            Subject = "the modalities of the participation of stakeholders",
            Proposal = "The Chair's proposal on the modalities of the participation of stakeholders in the work of the Open-ended Working Group, "
                + "circulated to all Member States on 18 January 2022, as announced in the Chair's letter of 17 December 2021.\n\n"
                + "The text of the proposal is not part of the Chair's letters this record is drawn from.",
            ExpiresAt = expiry, CirculatedAt = new DateTimeOffset(2022, 1, 18, 18, 0, 0, TimeSpan.FromHours(-5)).ToUniversalTime(),
            CirculatedBy = "seed", Status = Silence.SilenceStatuses.Broken, DecidedAt = expiry, AnnouncedAt = expiry, UpdatedAt = now,
            SeedKey = StakeholderModalitiesSilence,
        });
        await db.SaveChangesAsync(ct);
        return 1;
    }

    /// <summary>The seed letters themselves, in the archive as they were sent (public, their text as the missions read it).</summary>
    private async Task<int> LoadLettersAsync(DateTimeOffset now, CancellationToken ct)
    {
        var present = await db.Letters.Where(l => l.SeedKey != null).Select(l => l.SeedKey!).ToListAsync(ct);
        var meetings = await db.Meetings.AsNoTracking().Where(m => m.SeedKey != null).Select(m => new { m.Id, m.SeedKey }).ToListAsync(ct);
        var added = 0;
        foreach (var seed in SeedLetters.Letters.Where(l => !present.Contains(l.Key)))
        {
            var text = seed.Text.Trim();
            var sentAt = new DateTimeOffset(seed.Date.ToDateTime(new TimeOnly(18, 0)), TimeSpan.FromHours(-5)).ToUniversalTime(); // the evening, New York
            db.Letters.Add(new Letters.Letter
            {
                Date = seed.Date, Subject = seed.Subject, Body = text, Text = text, Status = Letters.LetterStatuses.Sent, IsPublic = true,
                SentAt = sentAt, SentBy = "seed", CreatedAt = now, UpdatedAt = now, SeedKey = seed.Key,
                AnnexMeetings = seed.ScheduleStyle == DateStyle.Annex
                    ? meetings.Where(m => m.SeedKey!.StartsWith(seed.Key + "/", StringComparison.Ordinal)).Select(m => m.Id).ToList()
                    : [],
            });
            added++;
        }
        await db.SaveChangesAsync(ct);
        return added;
    }
}

/// <summary>
/// Invented Permanent Missions for the demo: one per State of the reference list, at example.org
/// (mission.{alpha-2}@example.org). Refused where a mission has a real address; adds only the missing.
/// </summary>
public sealed class DemoMissions(MeetingsDbContext db, TimeProvider clock)
{
    public const string Actor = "demo";

    public async Task<string> InventAsync(CancellationToken ct)
    {
        var real = await db.Missions.AsNoTracking().ToListAsync(ct);
        if (real.FirstOrDefault(m => m.Emails.Any(e => !e.EndsWith("@example.org", StringComparison.OrdinalIgnoreCase))) is { } mission)
        {
            throw new InvalidOperationException(
                $"This state folder holds real mission addresses ({mission.State}, …): the demo missions are only added to a system without real data.");
        }
        var states = await db.WaitForCompleteCopyAsync(clock, TimeSpan.FromMinutes(2), ct);
        var now = clock.GetUtcNow();
        var added = states.Where(s => real.All(m => m.State != s.Iso3)).Select(s => new Missions.PermanentMission
        {
            State = s.Iso3, Name = Missions.PermanentMission.DefaultName(s), Emails = [$"mission.{s.Iso2.ToLowerInvariant()}@example.org"],
            UpdatedAt = now, UpdatedBy = Actor,
        }).ToList();
        db.Missions.AddRange(added);
        await db.SaveChangesAsync(ct);
        return $"Added {added.Count} invented Permanent Missions at example.org.";
    }
}

/// <summary>
/// <c>PocDirectory.Meetings demo seed</c>, run with the service's own configuration (the AppHost runs it
/// for <c>./run.sh --demo</c>).
/// </summary>
public static class DemoCommand
{
    public const string Usage = "Usage: PocDirectory.Meetings demo seed";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] == "demo";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["demo", "seed"])
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDatabase<MeetingsDbContext>(ResourceNames.MeetingsDb);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<SeedSchedule>();
        builder.Services.AddScoped<DemoMissions>();
        using var host = builder.Build();
        await host.MigrateDatabaseAsync<MeetingsDbContext>();
        await using var scope = host.Services.CreateAsyncScope();
        Console.WriteLine(await scope.ServiceProvider.GetRequiredService<SeedSchedule>().LoadAsync(CancellationToken.None));
        try
        {
            Console.WriteLine(await scope.ServiceProvider.GetRequiredService<DemoMissions>().InventAsync(CancellationToken.None));
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 3;
        }
        return 0;
    }
}
