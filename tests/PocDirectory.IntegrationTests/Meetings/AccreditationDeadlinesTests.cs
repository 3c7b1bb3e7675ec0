using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Directory.Model;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Meetings.Apis;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Stakeholders;

namespace PocDirectory.IntegrationTests.Meetings;

/// <summary>
/// A round of applications decided at its deadline on a real meetingsdb with a fake clock: nothing before it; at it, each
/// applicant objected to before the deadline (and not withdrawn) is not accredited and the others are, once, when two
/// replicas look at the same moment; each applicant is told once. An objection received a moment before the deadline
/// counts, one at the deadline is refused; objections racing the deadline count exactly when received.
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
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        await db.Database.MigrateAsync();
        db.MemberStates.AddRange(MemberStateCatalog.All.Select(s => new MemberStateCopy
        {
            Iso2 = s.Iso2, Iso3 = s.Iso3, Name = s.Name, RegionalGroup = s.Group.ToString(), UnStatus = s.Status.ToString(),
        }));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(_connectionString));
    }

    private AccreditationDeadlines Worker() => new(_services.GetRequiredService<IServiceScopeFactory>(), _clock, _configuration, NullLogger<AccreditationDeadlines>.Instance);

    /// <summary>A round circulated until <see cref="Deadline"/>, with an applicant of each name, in that order.</summary>
    private async Task<(Guid Round, List<Guid> Applicants)> RoundAsync(IEnumerable<string> organizations)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var round = new AccreditationRound { Title = "the fifth substantive session", Deadline = Deadline, CirculatedAt = _clock.GetUtcNow() };
        db.AccreditationRounds.Add(round);
        var applicants = organizations.Select((name, i) => new StakeholderApplication
        {
            Organization = name, OrganizationKey = AccreditationRules.Key(name), Website = "https://example.org", Headquarters = "CHE", Purpose = "p", Relevance = "r",
            ContactName = "Contact", ContactEmail = $"applicant.{i}@example.org", Status = ApplicationStatuses.InRound, RoundId = round.Id, CreatedAt = _clock.GetUtcNow(),
        }).ToList();
        db.StakeholderApplications.AddRange(applicants);
        await db.SaveChangesAsync();
        return (round.Id, applicants.Select(a => a.Id).ToList());
    }

    private async Task<int> ObjectAsync(Guid round, string state, Guid? application)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var result = await StakeholdersApi.ReceiveObjectionAsync(round, state, $"delegate-{state}", new AccreditationObjectionRequest(application, $"{state} objects."),
            db, _clock, http: null, CancellationToken.None);
        return ((IStatusCodeHttpResult)result).StatusCode!.Value;
    }

    private async Task<string> RoundStatusAsync(Guid round)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().AccreditationRounds.AsNoTracking().Where(r => r.Id == round).Select(r => r.Status).SingleAsync();
    }

    private async Task<Dictionary<Guid, string>> StatusesAsync(Guid round)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().StakeholderApplications.AsNoTracking().Where(a => a.RoundId == round)
            .ToDictionaryAsync(a => a.Id, a => a.Status);
    }

    private async Task<List<AccreditationObjection>> ObjectionsAsync(Guid round)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().AccreditationObjections.AsNoTracking().Where(o => o.RoundId == round).ToListAsync();
    }

    private async Task<List<SendEmail>> EmailsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Set<OutboxMessage>().AsNoTracking().Where(m => m.MessageType == EmailType)
                .Select(m => m.Body).ToListAsync())
            .Select(b => JsonSerializer.Deserialize<SendEmail>(b, JsonSerializerOptions.Web)!).ToList();
    }

    /// <summary>Runs the worker until the round is decided, by it (1) or by another (0); fails after two minutes.</summary>
    private Task<int> DecideAsync(AccreditationDeadlines worker, Guid round) =>
        DeadlineRace.DecideAsync(() => worker.RunOnceAsync(CancellationToken.None), async () => await RoundStatusAsync(round) != RoundStatuses.Circulated, "round");

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
        var emails = await EmailsAsync();
        Assert.Equal(["alpha@example.org", "beta@example.org", "gamma@example.org"], emails.Where(e => e.Template == ApplicantMail.OutcomeTemplate).Select(e => e.To).Order().ToArray());
        Assert.Contains("Beta Foundation is not accredited", emails.Single(e => e.To == "beta@example.org").Values["subject"]);
        Assert.Single(emails, e => e.Template == "silence-notice" && e.Values["subject"].Contains("2 of 3 accredited", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_objection_a_moment_before_the_deadline_counts_and_one_at_the_deadline_is_refused()
    {
        var (round, applicants) = await RoundAsync(["Alpha Institute", "Beta Foundation", "Gamma Lab"]);
        _clock.SetUtcNow(Deadline - TimeSpan.FromMilliseconds(1));
        Assert.Equal(StatusCodes.Status201Created, await ObjectAsync(round, "FRA", applicants[1]));
        Assert.Equal(StatusCodes.Status409Conflict, await ObjectAsync(round, "FRA", applicants[1])); // one stands per State and applicant
        Assert.Equal(StatusCodes.Status400BadRequest, await ObjectAsync(round, "DEU", application: null));
        Assert.Equal(StatusCodes.Status400BadRequest, await ObjectAsync(round, "DEU", Guid.NewGuid())); // not an applicant of the round
        Assert.Equal(StatusCodes.Status403Forbidden, await ObjectAsync(round, "VAT", applicants[0])); // an observer State does not object
        _clock.SetUtcNow(Deadline);
        Assert.Equal(StatusCodes.Status409Conflict, await ObjectAsync(round, "DEU", applicants[0]));

        Assert.Equal(1, await Worker().RunOnceAsync(CancellationToken.None));
        var statuses = await StatusesAsync(round);
        Assert.Equal([ApplicationStatuses.Accredited, ApplicationStatuses.NotAccredited, ApplicationStatuses.Accredited], applicants.Select(a => statuses[a]).ToArray());
        Assert.Equal(RoundStatuses.Decided, await RoundStatusAsync(round));
        var objection = Assert.Single(await ObjectionsAsync(round));
        Assert.Equal(("FRA", applicants[1], Deadline - TimeSpan.FromMilliseconds(1), "delegate-FRA"),
            (objection.State, objection.ApplicationId, objection.ReceivedAt, objection.ReceivedFrom));
        Assert.Equal("FRA objects.", objection.Basis);
        Assert.Single(await EmailsAsync(), e => e.Template == "silence-notice" && e.Values["subject"].Contains("2 of 3 accredited", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Objections_racing_the_deadline_count_exactly_when_they_were_received_and_the_round_is_decided_once()
    {
        var members = MemberStateCatalog.All.Where(s => s.Status == UnStatus.Member).Select(s => s.Iso3).ToList();
        // An applicant for each Member State to object to: those not accredited are exactly the objections received.
        var (round, applicants) = await RoundAsync(members.Select(m => $"Applicant {m}"));
        var applicantOf = members.Zip(applicants).ToDictionary(p => p.First, p => p.Second);
        var received = await DeadlineRace.RunAsync(members, _clock, Deadline, "deadline", state => ObjectAsync(round, state, applicantOf[state]),
            () => DecideAsync(Worker(), round), () => Worker().RunOnceAsync(CancellationToken.None));
        var statuses = await StatusesAsync(round);
        Assert.Equal(received, members.Where(m => statuses[applicantOf[m]] == ApplicationStatuses.NotAccredited).Order().ToList());
        Assert.All(members.Except(received), m => Assert.Equal(ApplicationStatuses.Accredited, statuses[applicantOf[m]]));
        var kept = await ObjectionsAsync(round);
        Assert.Equal(received, kept.Select(o => o.State).Order().ToList());
        Assert.All(kept, o => Assert.True(o.ReceivedAt < Deadline && o.ApplicationId == applicantOf[o.State]));
        Assert.Single(await EmailsAsync(), e => e.Template == "silence-notice"
            && e.Values["subject"].EndsWith($": {members.Count - received.Count} of {members.Count} accredited", StringComparison.Ordinal));
    }
}
