using PocDirectory.BuildingBlocks.Persistence;
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
        return added.Count == 0
            ? $"The meetings of the Chair's letters are there already ({present.Count})."
            : $"Added {added.Count} meetings of the Chair's letters of {string.Join(", ", SeedLetters.Letters.Select(l => l.Date.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)))}.";
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
        using var host = builder.Build();
        await host.MigrateDatabaseAsync<MeetingsDbContext>();
        await using var scope = host.Services.CreateAsyncScope();
        Console.WriteLine(await scope.ServiceProvider.GetRequiredService<SeedSchedule>().LoadAsync(CancellationToken.None));
        return 0;
    }
}
