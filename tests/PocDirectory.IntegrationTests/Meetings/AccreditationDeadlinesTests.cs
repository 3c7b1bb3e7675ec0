using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Notifications;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Stakeholders;

namespace PocDirectory.IntegrationTests.Meetings;

/// <summary>
/// A round of applications decided at its deadline on a real meetingsdb with a fake clock: nothing before it; at it, each
/// applicant objected to before the deadline (and not withdrawn) is not accredited and the others are, once, when two
/// replicas look at the same moment; each applicant is told once.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class AccreditationDeadlinesTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly string EmailType = OutboxMessage.TypeName(typeof(SendEmail));
    private static readonly DateTimeOffset Deadline = new(2030, 3, 1, 23, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 2, 20, 12, 0, 0, TimeSpan.Zero));
    private readonly IConfiguration _configuration = new ConfigurationBuilder().Build();
    private ServiceProvider _services = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await servers.CreateDatabaseAsync("accreditation");
        _services = new ServiceCollection().AddDbContext<MeetingsDbContext>(o => o.UseNpgsql(_connectionString)).BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(_connectionString));
    }

    private AccreditationDeadlines Worker() => new(_services.GetRequiredService<IServiceScopeFactory>(), _clock, _configuration, NullLogger<AccreditationDeadlines>.Instance);

    [Fact]
    public async Task At_the_deadline_those_not_objected_to_are_accredited_once_and_each_applicant_is_told_once()
    {
        Guid round;
        var applicants = new List<StakeholderApplication>();
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
            var r = new AccreditationRound { Title = "the fifth substantive session", Deadline = Deadline, CirculatedAt = _clock.GetUtcNow() };
            db.AccreditationRounds.Add(r);
            round = r.Id;
            foreach (var name in new[] { "Alpha Institute", "Beta Foundation", "Gamma Lab" })
            {
                var a = new StakeholderApplication
                {
                    Organization = name, OrganizationKey = AccreditationRules.Key(name), Website = "https://example.org", Headquarters = "CHE", Purpose = "p", Relevance = "r",
                    ContactName = "Contact", ContactEmail = $"{name.Split(' ')[0].ToLowerInvariant()}@example.org", Status = ApplicationStatuses.InRound, RoundId = r.Id,
                    CreatedAt = _clock.GetUtcNow(),
                };
                db.StakeholderApplications.Add(a);
                applicants.Add(a);
            }
            await db.SaveChangesAsync();
            // Beta objected to by one State; Gamma objected to and the objection withdrawn.
            db.AccreditationObjections.Add(new AccreditationObjection { RoundId = r.Id, ApplicationId = applicants[1].Id, State = "FRA", ReceivedAt = Deadline.AddMinutes(-1) });
            db.AccreditationObjections.Add(new AccreditationObjection { RoundId = r.Id, ApplicationId = applicants[2].Id, State = "DEU", ReceivedAt = Deadline.AddHours(-2), WithdrawnAt = Deadline.AddHours(-1) });
            await db.SaveChangesAsync();
        }

        _clock.SetUtcNow(Deadline.AddTicks(-1));
        Assert.Equal(0, await Worker().RunOnceAsync(CancellationToken.None));
        _clock.SetUtcNow(Deadline);
        var decided = await Task.WhenAll(Worker().RunOnceAsync(CancellationToken.None), Worker().RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, decided.Sum());
        Assert.Equal(0, await Worker().RunOnceAsync(CancellationToken.None));

        await using var check = _services.CreateAsyncScope();
        var read = check.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var statuses = await read.StakeholderApplications.AsNoTracking().Where(a => a.RoundId == round).OrderBy(a => a.Organization).Select(a => a.Status).ToListAsync();
        Assert.Equal([ApplicationStatuses.Accredited, ApplicationStatuses.NotAccredited, ApplicationStatuses.Accredited], statuses);
        Assert.Equal(RoundStatuses.Decided, (await read.AccreditationRounds.AsNoTracking().SingleAsync(r => r.Id == round)).Status);
        var emails = (await read.Set<OutboxMessage>().AsNoTracking().Where(m => m.MessageType == EmailType).Select(m => m.Body).ToListAsync())
            .Select(b => JsonSerializer.Deserialize<SendEmail>(b, JsonSerializerOptions.Web)!).ToList();
        Assert.Equal(["alpha@example.org", "beta@example.org", "gamma@example.org"], emails.Where(e => e.Template == ApplicantMail.OutcomeTemplate).Select(e => e.To).Order().ToArray());
        Assert.Contains("Beta Foundation is not accredited", emails.Single(e => e.To == "beta@example.org").Values["subject"]);
        Assert.Single(emails, e => e.Template == "silence-notice" && e.Values["subject"].Contains("2 of 3 accredited", StringComparison.Ordinal));
    }
}
