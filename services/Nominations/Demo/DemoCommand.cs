using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Workflow;

namespace PocDirectory.Nominations.Demo;

/// <summary>
/// <c>PocDirectory.Nominations demo seed [--pocs-per-state N]</c>, run with the service's own
/// configuration (the AppHost runs it for <c>./run.sh --demo</c>). The running service relays the
/// listings' events from the outbox.
/// </summary>
public static class DemoCommand
{
    public const string Usage = "Usage: PocDirectory.Nominations demo seed [--pocs-per-state N]   (N from 2 to 200, default 2)";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] == "demo";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["demo", "seed", ..] || args.Length is not (2 or 4) || (args.Length == 4 && args[2] != "--pocs-per-state")
            || !int.TryParse(args.Length == 4 ? args[3] : "2", out var perState))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDatabase<NominationsDbContext>(ResourceNames.NominationsDb);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<NominationDesk>();
        builder.Services.AddScoped<DemoDirectory>();
        using var host = builder.Build();
        await host.MigrateDatabaseAsync<NominationsDbContext>();
        await using var scope = host.Services.CreateAsyncScope();
        try
        {
            Console.WriteLine(await scope.ServiceProvider.GetRequiredService<DemoDirectory>().SeedAsync(perState, CancellationToken.None));
            return 0;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 3;
        }
    }
}
