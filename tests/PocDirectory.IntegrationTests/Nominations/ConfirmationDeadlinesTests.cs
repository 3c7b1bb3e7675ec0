using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Contracts.Notifications;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Nominations.Demo;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;
using PocDirectory.Nominations.Workflow;

namespace PocDirectory.IntegrationTests.Nominations;

/// <summary>
/// The nominee's 14 days on a real nominationsdb, with a fake clock: one reminder at 7 days (a new
/// link, the first one dead), the lapse at 14 days with the focal point told, each exactly once, and
/// once only when two replicas check at the same moment.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ConfirmationDeadlinesTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly string SendEmailType = OutboxMessage.TypeName(typeof(SendEmail));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;
    private ConfirmationDeadlines _worker = null!;
    private ConfirmationDeadlines _otherReplica = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await servers.CreateDatabaseAsync("deadlines");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Issuer"] = "http://localhost:1/",
            ["services:web:http:0"] = "http://localhost:2",
        }).Build();
        _services = new ServiceCollection()
            .AddDbContext<NominationsDbContext>(o => o.UseNpgsql(connectionString))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(_clock)
            .AddScoped<NominationDesk>()
            .BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        await db.Database.MigrateAsync();
        db.MemberStates.Add(new MemberStateCopy { Iso2 = "FR", Iso3 = "FRA", Name = "France", RegionalGroup = "WesternEuropeanAndOthers", UnStatus = "Member" });
        await db.SaveChangesAsync();
        var scopes = _services.GetRequiredService<IServiceScopeFactory>();
        _worker = new ConfirmationDeadlines(scopes, _clock, configuration, NullLogger<ConfirmationDeadlines>.Instance);
        _otherReplica = new ConfirmationDeadlines(scopes, _clock, configuration, NullLogger<ConfirmationDeadlines>.Instance);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task The_nominee_is_reminded_once_after_7_days_and_the_nomination_lapses_once_after_14()
    {
        var id = await NominateAsync(0);
        var firstLink = Assert.Single(await EmailsAsync("nomination-confirmation")).Values["link"];

        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await _worker.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None)); // one reminder only
        var asks = await EmailsAsync("nomination-confirmation");
        Assert.Equal(2, asks.Count);
        var reminder = asks.Single(e => e.Values["reminder"] == "yes");
        Assert.NotEqual(firstLink, reminder.Values["link"]);
        Assert.Equal(asks[0].Values["expires"], reminder.Values["expires"]); // the same 14 days, not 14 more
        await using (var scope = _services.CreateAsyncScope())
        {
            var desk = scope.ServiceProvider.GetRequiredService<NominationDesk>();
            Assert.Null(await desk.FindByConfirmationTokenAsync(Token(firstLink), CancellationToken.None));
            Assert.Equal(id, (await desk.FindByConfirmationTokenAsync(Token(reminder.Values["link"]), CancellationToken.None))?.Id);
        }

        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(2));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await _worker.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None));

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
            var nomination = await db.Nominations.AsNoTracking().SingleAsync(n => n.Id == id);
            Assert.Equal(NominationStatus.Lapsed, nomination.Status);
            Assert.Null(nomination.ConfirmationTokenHash);
            var actions = await db.NominationEvents.Where(e => e.NominationId == id).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync();
            Assert.Equal(["created", "submitted", "reminded", "lapsed"], actions);
            Assert.Null(await scope.ServiceProvider.GetRequiredService<NominationDesk>().FindByConfirmationTokenAsync(Token(reminder.Values["link"]), CancellationToken.None));
        }
        var outcome = Assert.Single(await EmailsAsync("nomination-outcome"));
        Assert.Equal(("fp@example.org", "lapsed"), (outcome.To, outcome.Values["outcome"]));
        Assert.Equal("France", outcome.Values["state"]); // the State by its name, as people read it, never its code
        Assert.Equal("France", reminder.Values["state"]);
    }

    [Fact]
    public async Task Two_replicas_checking_at_the_same_moment_remind_each_nominee_once()
    {
        for (var i = 1; i <= 5; i++)
        {
            await NominateAsync(i);
        }
        _clock.Advance(TimeSpan.FromDays(8));

        var handled = await Task.WhenAll(_worker.RunOnceAsync(CancellationToken.None), _otherReplica.RunOnceAsync(CancellationToken.None));

        Assert.Equal(5, handled.Sum());
        Assert.Equal(5, (await EmailsAsync("nomination-confirmation")).Count(e => e.Values["reminder"] == "yes"));
    }

    private async Task<Guid> NominateAsync(int index)
    {
        await using var scope = _services.CreateAsyncScope();
        var focalPoint = new Caller("fp-fra", "A Focal Point", "fp@example.org", new HashSet<string> { Roles.FocalPoint }, "FRA", IsMachine: false);
        var input = DemoDirectory.Person("FRA", "FR", "France", index * 2, new Random(index)); // a diplomatic point of contact
        var nomination = await scope.ServiceProvider.GetRequiredService<NominationDesk>()
            .CreateAsync(focalPoint, "FRA", null, input, submit: true, http: null, CancellationToken.None);
        Assert.Equal(NominationStatus.AwaitingConfirmation, nomination.Status);
        return nomination.Id;
    }

    private async Task<List<SendEmail>> EmailsAsync(string template)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        var bodies = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.MessageType == SendEmailType).OrderBy(m => m.Id).Select(m => m.Body).ToListAsync();
        return [.. bodies.Select(b => JsonSerializer.Deserialize<SendEmail>(b, JsonSerializerOptions.Web)!).Where(e => e.Template == template)];
    }

    private static string Token(string link) => link[(link.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..];
}
