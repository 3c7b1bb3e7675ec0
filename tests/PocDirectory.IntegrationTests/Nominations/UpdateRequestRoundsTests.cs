using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Identity;
using PocDirectory.Contracts.Nominations;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Nominations.Demo;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;
using PocDirectory.Nominations.Workflow;

namespace PocDirectory.IntegrationTests.Nominations;

/// <summary>
/// Periodic update requests on a real nominationsdb, with a fake clock: the first round one interval
/// after the first start, the reminder at 30 days and the overdue mark at 60, each exactly once (also
/// with two replicas at the same moment), nothing more once answered; the e-mail commands and status
/// events in the outbox; answers by confirmation, change and withdrawal; bad input refused field by field.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class UpdateRequestRoundsTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly string EmailType = OutboxMessage.TypeName(typeof(EmailFocalPoints));
    private static readonly string StatusType = OutboxMessage.TypeName(typeof(UpdateRequestStatusChanged));
    private static readonly (string Iso3, string Iso2, string Name)[] States =
        [("FRA", "FR", "France"), ("DEU", "DE", "Germany"), ("KEN", "KE", "Kenya"), ("BRA", "BR", "Brazil"), ("JPN", "JP", "Japan"), ("CHL", "CL", "Chile")];

    private static readonly Caller Manager = new("dm-1", "The Secretariat", "dm@example.org", new HashSet<string> { Roles.DirectoryManager }, null, IsMachine: false);
    private static readonly Caller FocalPointFra = new("fp-fra", "A Focal Point", "fp@example.org", new HashSet<string> { Roles.FocalPoint }, "FRA", IsMachine: false);
    private static readonly Caller FocalPointDeu = new("fp-deu", "Another Focal Point", "fp-deu@example.org", new HashSet<string> { Roles.FocalPoint }, "DEU", IsMachine: false);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly UpdateRequestOptions _options = new();
    private ServiceProvider _services = null!;
    private UpdateRequestRounds _worker = null!;
    private UpdateRequestRounds _otherReplica = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await servers.CreateDatabaseAsync("updates");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Issuer"] = "http://localhost:1/",
            ["services:web:http:0"] = "http://localhost:2",
        }).Build();
        _services = new ServiceCollection()
            .AddDbContext<NominationsDbContext>(o => o.UseNpgsql(connectionString))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton(Options.Create(_options))
            .AddScoped<NominationDesk>()
            .AddScoped<UpdateRequestDesk>()
            .BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        await db.Database.MigrateAsync();
        db.MemberStates.AddRange(States.Select(s => new MemberStateCopy { Iso2 = s.Iso2, Iso3 = s.Iso3, Name = s.Name, RegionalGroup = "WesternEuropeanAndOthers", UnStatus = "Member" }));
        await db.SaveChangesAsync();
        var scopes = _services.GetRequiredService<IServiceScopeFactory>();
        _worker = new UpdateRequestRounds(scopes, _clock, Options.Create(_options), NullLogger<UpdateRequestRounds>.Instance);
        _otherReplica = new UpdateRequestRounds(scopes, _clock, Options.Create(_options), NullLogger<UpdateRequestRounds>.Instance);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task The_first_round_starts_one_interval_after_the_first_start_and_asks_each_participating_State_once()
    {
        var fra = await ListAsync("FRA", 2);
        await ListAsync("DEU", 1);
        var withdrawn = await ListAsync("KEN", 1);
        await WithdrawDirectlyAsync(withdrawn[0]); // KEN no longer participates

        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None)); // the schedule is created, nobody asked at first start
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None));
        var firstRound = new DateTimeOffset(2027, 5, 2, 9, 0, 0, TimeSpan.Zero);
        _clock.SetUtcNow(firstRound - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None));
        Assert.Empty(await OutboxAsync<EmailFocalPoints>(EmailType));

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, await _worker.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None)); // once

        var emails = await OutboxAsync<EmailFocalPoints>(EmailType);
        Assert.Equal(["DEU", "FRA"], emails.Select(e => e.State).Order());
        Assert.All(emails, e => Assert.Equal(("update-request", "asked", "http://localhost:2/my-state/update-request"), (e.Template, e.Values["kind"], e.Values["link"])));
        var events = await OutboxAsync<UpdateRequestStatusChanged>(StatusType);
        Assert.Equal(["DEU", "FRA"], events.Select(e => e.State).Order());
        Assert.All(events, e => Assert.Equal(UpdateRequestStatus.Open, e.Status));
        var fraRequest = events.Single(e => e.State == "FRA").RequestId;
        Assert.Equal(DerivedIds.From("update-request", fraRequest.ToString(), "asked"), emails.Single(e => e.State == "FRA").RequestId);

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
            var request = await db.UpdateRequests.AsNoTracking().Include(r => r.Entries).SingleAsync(r => r.Id == fraRequest);
            Assert.Equal(fra.Order(), request.Entries.Select(e => e.PocId).Order());
            Assert.All(request.Entries, e => Assert.Null(e.Outcome));
            var schedule = await db.UpdateRequestSchedules.AsNoTracking().SingleAsync();
            Assert.Equal(firstRound.AddMonths(6), schedule.NextRoundAt);
        }

        // The next round, six months on: the unanswered requests are superseded, each State asked anew.
        _clock.SetUtcNow(firstRound.AddMonths(6) + TimeSpan.FromMinutes(1));
        Assert.Equal(2, await _worker.StartDueRoundAsync(CancellationToken.None));
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
            var statuses = await db.UpdateRequests.AsNoTracking().Where(r => r.State == "FRA").OrderBy(r => r.RequestedAt).Select(r => r.Status).ToListAsync();
            Assert.Equal([UpdateRequestStatus.Superseded, UpdateRequestStatus.Open], statuses);
        }
    }

    [Fact]
    public async Task The_State_is_reminded_once_after_30_days_and_marked_overdue_once_after_60_then_answers()
    {
        var pocs = await ListAsync("FRA", 2);
        var requestId = await StartRoundAsync("FRA");

        _clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await _worker.HandleDueRequestsAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await _worker.HandleDueRequestsAsync(CancellationToken.None));
        Assert.Equal(0, await _worker.HandleDueRequestsAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(2));
        Assert.Equal(0, await _worker.HandleDueRequestsAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await _worker.HandleDueRequestsAsync(CancellationToken.None));
        Assert.Equal(0, await _worker.HandleDueRequestsAsync(CancellationToken.None));

        var emails = await OutboxAsync<EmailFocalPoints>(EmailType);
        Assert.Equal(["asked", "reminder", "overdue"], emails.Select(e => e.Values["kind"]));
        Assert.Equal(
            new[] { "asked", "reminded", "overdue" }.Select(step => DerivedIds.From("update-request", requestId.ToString(), step)),
            emails.Select(e => e.RequestId));
        Assert.All(emails, e => Assert.Equal("1 January 2027", e.Values["due"]));
        Assert.Equal([UpdateRequestStatus.Open, UpdateRequestStatus.Overdue], (await OutboxAsync<UpdateRequestStatusChanged>(StatusType)).Select(e => e.Status));

        // Late, but answered: one action confirms every entry.
        await using (var scope = _services.CreateAsyncScope())
        {
            var answered = await scope.ServiceProvider.GetRequiredService<UpdateRequestDesk>()
                .ConfirmAsync(FocalPointFra, "fra", null, allUnchanged: true, null, CancellationToken.None);
            Assert.Equal(UpdateRequestStatus.Answered, answered.Status);
            Assert.Equal(_clock.GetUtcNow(), answered.AnsweredAt);
            Assert.Equal("fp-fra", answered.AnsweredBy);
            Assert.All(answered.Entries, e => Assert.Equal(UpdateRequestOutcome.Unchanged, e.Outcome));
            Assert.Equal(pocs.Order(), answered.Entries.Select(e => e.PocId).Order());
        }
        var statuses = await OutboxAsync<UpdateRequestStatusChanged>(StatusType);
        Assert.Equal([UpdateRequestStatus.Open, UpdateRequestStatus.Overdue, UpdateRequestStatus.Answered], statuses.Select(e => e.Status));
        Assert.All(statuses, e => Assert.Equal((requestId, "FRA"), (e.RequestId, e.State)));

        // Answered: nothing more fires, and a second answer is refused.
        _clock.Advance(TimeSpan.FromDays(90));
        Assert.Equal(0, await _worker.HandleDueRequestsAsync(CancellationToken.None));
        Assert.Equal(3, (await OutboxAsync<EmailFocalPoints>(EmailType)).Count);
        await using (var scope = _services.CreateAsyncScope())
        {
            var again = await Assert.ThrowsAsync<NominationProblem>(() => scope.ServiceProvider.GetRequiredService<UpdateRequestDesk>()
                .ConfirmAsync(FocalPointFra, "FRA", null, allUnchanged: true, null, CancellationToken.None));
            Assert.Equal((409, "answered"), (again.Status, again.CurrentStatus));
        }
    }

    [Fact]
    public async Task A_State_that_answers_in_time_is_neither_reminded_nor_marked_overdue()
    {
        await ListAsync("FRA", 1);
        await StartRoundAsync("FRA");
        _clock.Advance(TimeSpan.FromDays(3));
        await using (var scope = _services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UpdateRequestDesk>().ConfirmAsync(FocalPointFra, "FRA", null, true, null, CancellationToken.None);
        }
        _clock.Advance(TimeSpan.FromDays(100));
        Assert.Equal(0, await _worker.HandleDueRequestsAsync(CancellationToken.None));
        Assert.Equal(["asked"], (await OutboxAsync<EmailFocalPoints>(EmailType)).Select(e => e.Values["kind"]));
        Assert.Equal([UpdateRequestStatus.Open, UpdateRequestStatus.Answered], (await OutboxAsync<UpdateRequestStatusChanged>(StatusType)).Select(e => e.Status));
    }

    [Fact]
    public async Task Two_replicas_at_the_same_moment_start_the_round_remind_and_mark_overdue_once()
    {
        foreach (var (iso3, _, _) in States)
        {
            await ListAsync(iso3, 1);
        }
        await Task.WhenAll(_worker.RunOnceAsync(CancellationToken.None), _otherReplica.RunOnceAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromDays(200));
        var started = await Task.WhenAll(_worker.StartDueRoundAsync(CancellationToken.None), _otherReplica.StartDueRoundAsync(CancellationToken.None));
        Assert.Equal(States.Length, started.Sum());
        Assert.Contains(0, started);

        _clock.Advance(TimeSpan.FromDays(31));
        var reminded = await Task.WhenAll(_worker.RunOnceAsync(CancellationToken.None), _otherReplica.RunOnceAsync(CancellationToken.None));
        Assert.Equal(States.Length, reminded.Sum());

        _clock.Advance(TimeSpan.FromDays(30));
        var overdue = await Task.WhenAll(_worker.RunOnceAsync(CancellationToken.None), _otherReplica.RunOnceAsync(CancellationToken.None));
        Assert.Equal(States.Length, overdue.Sum());
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None));

        var emails = await OutboxAsync<EmailFocalPoints>(EmailType);
        foreach (var kind in new[] { "asked", "reminder", "overdue" })
        {
            Assert.Equal(States.Select(s => s.Iso3).Order(), emails.Where(e => e.Values["kind"] == kind).Select(e => e.State).Order());
        }
        var events = await OutboxAsync<UpdateRequestStatusChanged>(StatusType);
        Assert.Equal(States.Length, events.Count(e => e.Status == UpdateRequestStatus.Open));
        Assert.Equal(States.Length, events.Count(e => e.Status == UpdateRequestStatus.Overdue));
    }

    [Fact]
    public async Task A_round_of_every_State_started_by_the_manager_supersedes_open_requests_and_moves_the_schedule()
    {
        await ListAsync("FRA", 1);
        await ListAsync("DEU", 1);
        await _worker.RunOnceAsync(CancellationToken.None); // the schedule: six months from now
        var first = await StartRoundAsync("FRA");
        _clock.Advance(TimeSpan.FromDays(10));

        await using (var scope = _services.CreateAsyncScope())
        {
            var round = await scope.ServiceProvider.GetRequiredService<UpdateRequestDesk>().StartRoundAsync(Manager, null, allStates: true, null, CancellationToken.None);
            Assert.Equal(["DEU", "FRA"], round.States);
            var both = await Assert.ThrowsAsync<FieldErrorsException>(() => scope.ServiceProvider.GetRequiredService<UpdateRequestDesk>()
                .StartRoundAsync(Manager, ["FRA"], allStates: true, null, CancellationToken.None));
            Assert.Contains("states", both.Errors.Keys);
        }
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
            Assert.Equal(UpdateRequestStatus.Superseded, (await db.UpdateRequests.AsNoTracking().SingleAsync(r => r.Id == first)).Status);
            Assert.Equal(2, await db.UpdateRequests.CountAsync(r => r.Status == UpdateRequestStatus.Open));
            Assert.Equal(_clock.GetUtcNow().AddMonths(6), (await db.UpdateRequestSchedules.AsNoTracking().SingleAsync()).NextRoundAt);
        }
        // The superseded request is never reminded; the new ones are, once.
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(2, await _worker.RunOnceAsync(CancellationToken.None));
        Assert.DoesNotContain(await OutboxAsync<EmailFocalPoints>(EmailType), e => e.RequestId == DerivedIds.From("update-request", first.ToString(), "reminded"));
    }

    [Fact]
    public async Task Confirmations_a_proposed_change_and_a_withdrawal_together_answer_the_request()
    {
        var pocs = await ListAsync("FRA", 3);
        await StartRoundAsync("FRA");

        await using (var scope = _services.CreateAsyncScope())
        {
            var partly = await scope.ServiceProvider.GetRequiredService<UpdateRequestDesk>()
                .ConfirmAsync(FocalPointFra, "FRA", [pocs[0]], false, null, CancellationToken.None);
            Assert.Equal(UpdateRequestStatus.Open, partly.Status);
            Assert.Equal(UpdateRequestOutcome.Unchanged, partly.Entries.Single(e => e.PocId == pocs[0]).Outcome);
        }
        await using (var scope = _services.CreateAsyncScope())
        {
            var desk = scope.ServiceProvider.GetRequiredService<NominationDesk>();
            // The same person as listed (see ListAsync), with a new title.
            var change = DemoDirectory.Person("FRA", "FR", "France", 1, new Random(1)) with { Title = "Head of the national CERT" };
            await desk.CreateAsync(FocalPointFra, "FRA", pocs[1], change, submit: true, http: null, CancellationToken.None);
        }
        await using (var scope = _services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<NominationDesk>().WithdrawAsync(FocalPointFra, pocs[2], "Left the post", null, CancellationToken.None);
        }
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
            var request = await db.UpdateRequests.AsNoTracking().Include(r => r.Entries).SingleAsync();
            Assert.Equal(UpdateRequestStatus.Answered, request.Status);
            Assert.Equal(
                [(pocs[0], UpdateRequestOutcome.Unchanged), (pocs[1], UpdateRequestOutcome.ChangeProposed), (pocs[2], UpdateRequestOutcome.Withdrawn)],
                request.Entries.OrderBy(e => pocs.IndexOf(e.PocId)).Select(e => (e.PocId, e.Outcome!)));
        }
        Assert.Equal(1, (await OutboxAsync<UpdateRequestStatusChanged>(StatusType)).Count(e => e.Status == UpdateRequestStatus.Answered));
    }

    [Fact]
    public async Task Bad_input_is_refused_field_by_field_and_others_are_refused_as_a_whole()
    {
        var pocs = await ListAsync("FRA", 1);
        await using var scope = _services.CreateAsyncScope();
        var desk = scope.ServiceProvider.GetRequiredService<UpdateRequestDesk>();

        var noRequest = await Assert.ThrowsAsync<NominationProblem>(() => desk.ConfirmAsync(FocalPointFra, "FRA", null, true, null, CancellationToken.None));
        Assert.Equal(404, noRequest.Status);

        var noStates = await Assert.ThrowsAsync<FieldErrorsException>(() => desk.StartRoundAsync(Manager, null, false, null, CancellationToken.None));
        Assert.Contains("states", noStates.Errors.Keys);
        var unknownState = await Assert.ThrowsAsync<FieldErrorsException>(() => desk.StartRoundAsync(Manager, ["FRA", "XYZ"], false, null, CancellationToken.None));
        Assert.Equal(["states[1]"], unknownState.Errors.Keys);
        Assert.Equal(403, (await Assert.ThrowsAsync<NominationProblem>(() => desk.StartRoundAsync(FocalPointFra, ["FRA"], false, null, CancellationToken.None))).Status);

        var round = await desk.StartRoundAsync(Manager, ["fra", "DEU"], false, null, CancellationToken.None);
        Assert.Equal((1, "FRA"), (round.Asked, Assert.Single(round.States))); // DEU has no listed point of contact

        var empty = await Assert.ThrowsAsync<FieldErrorsException>(() => desk.ConfirmAsync(FocalPointFra, "FRA", null, false, null, CancellationToken.None));
        Assert.Contains("pocIds", empty.Errors.Keys);
        var emptyList = await Assert.ThrowsAsync<FieldErrorsException>(() => desk.ConfirmAsync(FocalPointFra, "FRA", [], false, null, CancellationToken.None));
        Assert.Contains("pocIds", emptyList.Errors.Keys);
        var unknown = await Assert.ThrowsAsync<FieldErrorsException>(() => desk.ConfirmAsync(FocalPointFra, "FRA", [pocs[0], Guid.NewGuid()], false, null, CancellationToken.None));
        Assert.Equal(["pocIds[1]"], unknown.Errors.Keys);
        Assert.Equal(403, (await Assert.ThrowsAsync<NominationProblem>(() => desk.ConfirmAsync(FocalPointDeu, "FRA", null, true, null, CancellationToken.None))).Status);
        Assert.Equal(403, (await Assert.ThrowsAsync<NominationProblem>(() => desk.ConfirmAsync(Manager, "FRA", null, true, null, CancellationToken.None))).Status);

        // Nothing refused was kept: the entry is still unanswered.
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        var request = await db.UpdateRequests.AsNoTracking().Include(r => r.Entries).SingleAsync();
        Assert.Equal(UpdateRequestStatus.Open, request.Status);
        Assert.Null(Assert.Single(request.Entries).Outcome);
    }

    /// <summary>The directory manager starts a round for one State now; returns its request's id.</summary>
    private async Task<Guid> StartRoundAsync(string state)
    {
        await using var scope = _services.CreateAsyncScope();
        var round = await scope.ServiceProvider.GetRequiredService<UpdateRequestDesk>().StartRoundAsync(Manager, [state], false, null, CancellationToken.None);
        Assert.Equal(1, round.Asked);
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        return await db.UpdateRequests.Where(r => r.State == state && r.Status == UpdateRequestStatus.Open).Select(r => r.Id).SingleAsync();
    }

    /// <summary>Lists <paramref name="count"/> points of contact of a State directly (as an approval would); returns their ids.</summary>
    private async Task<List<Guid>> ListAsync(string iso3, int count)
    {
        var (_, iso2, name) = States.Single(s => s.Iso3 == iso3);
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        var now = _clock.GetUtcNow();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var details = PocDetailsValidator.Validate(DemoDirectory.Person(iso3, iso2, name, i, new Random(i)), iso2, now);
            var id = Guid.NewGuid();
            db.ListedPocs.Add(new ListedPoc
            {
                PocId = id, State = iso3, Version = 1, Details = details, Email = details.Email.ToLowerInvariant(),
                NominationId = Guid.NewGuid(), ListedAt = now, UpdatedAt = now,
            });
            ids.Add(id);
        }
        await db.SaveChangesAsync();
        return ids;
    }

    private async Task WithdrawDirectlyAsync(Guid pocId)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        await db.ListedPocs.Where(p => p.PocId == pocId).ExecuteUpdateAsync(s => s.SetProperty(p => p.WithdrawnAt, _clock.GetUtcNow()));
    }

    private async Task<List<T>> OutboxAsync<T>(string type)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        var bodies = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.MessageType == type).OrderBy(m => m.Id).Select(m => m.Body).ToListAsync();
        return [.. bodies.Select(b => JsonSerializer.Deserialize<T>(b, JsonSerializerOptions.Web)!)];
    }
}
