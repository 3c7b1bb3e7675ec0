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
using PocDirectory.Meetings.Missions;
using PocDirectory.Meetings.Silence;

namespace PocDirectory.IntegrationTests.Meetings;

/// <summary>
/// Silence procedures decided at their expiry on a real meetingsdb with a fake clock: an objection received a moment
/// before the expiry counts, one at the expiry is refused; objections racing the expiry count exactly when received;
/// two replicas decide a procedure once; silence that holds sends every mission the adoption letter in the decision.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SilenceDeadlinesTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly string BatchType = OutboxMessage.TypeName(typeof(SendEmailBatch));
    private static readonly string EmailType = OutboxMessage.TypeName(typeof(SendEmail));
    private static readonly DateTimeOffset Expiry = new(2030, 1, 25, 23, 0, 0, TimeSpan.Zero); // 6 pm in New York
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 18, 12, 0, 0, TimeSpan.Zero));
    private readonly IConfiguration _configuration = new ConfigurationBuilder().Build();
    private ServiceProvider _services = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await servers.CreateDatabaseAsync("silence");
        _services = new ServiceCollection()
            .AddDbContext<MeetingsDbContext>(o => o.UseNpgsql(_connectionString))
            .BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        await db.Database.MigrateAsync();
        db.MemberStates.AddRange(MemberStateCatalog.All.Select(s => new MemberStateCopy
        {
            Iso2 = s.Iso2, Iso3 = s.Iso3, Name = s.Name, RegionalGroup = s.Group.ToString(), UnStatus = s.Status.ToString(),
        }));
        // Ten missions with two addresses each; the others have none yet.
        db.Missions.AddRange(MemberStateCatalog.All.Take(10).Select(s => new PermanentMission
        {
            State = s.Iso3, Name = $"Permanent Mission of {s.Name}", Emails = [$"one.{s.Iso2}@example.org", $"two.{s.Iso2}@example.org"],
        }));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(_connectionString));
    }

    private SilenceDeadlines Worker() => new(_services.GetRequiredService<IServiceScopeFactory>(), _clock, _configuration, NullLogger<SilenceDeadlines>.Instance);

    private async Task<Guid> ProcedureAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var procedure = new SilenceProcedure
        {
            Subject = "the modalities of stakeholder participation", Proposal = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.",
            ExpiresAt = Expiry, CirculatedAt = _clock.GetUtcNow(), UpdatedAt = _clock.GetUtcNow(),
        };
        db.SilenceProcedures.Add(procedure);
        await db.SaveChangesAsync();
        return procedure.Id;
    }

    private async Task<int> ObjectAsync(Guid procedure, string state, string? paragraphs = null)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var result = await SilenceApi.ReceiveObjectionAsync(procedure, state, $"delegate-{state}", new ObjectionRequest($"{state} breaks silence.", paragraphs),
            db, _clock, _configuration, http: null, CancellationToken.None);
        return ((IStatusCodeHttpResult)result).StatusCode!.Value;
    }

    private async Task<SilenceProcedure> ReadAsync(Guid id)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().SilenceProcedures.AsNoTracking().SingleAsync(p => p.Id == id);
    }

    private async Task<(List<SendEmail> Letters, List<SendEmail> Notices)> OutboxAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var messages = await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.MessageType == BatchType || m.MessageType == EmailType).Select(m => new { m.MessageType, m.Body }).ToListAsync();
        return (
            [.. messages.Where(m => m.MessageType == BatchType).SelectMany(m => JsonSerializer.Deserialize<SendEmailBatch>(m.Body, JsonSerializerOptions.Web)!.Emails)],
            [.. messages.Where(m => m.MessageType == EmailType).Select(m => JsonSerializer.Deserialize<SendEmail>(m.Body, JsonSerializerOptions.Web)!)]);
    }

    /// <summary>Runs the worker until the procedure is decided, by it (1) or by another (0); fails after two minutes.</summary>
    private Task<int> DecideAsync(SilenceDeadlines worker, Guid id) =>
        DeadlineRace.DecideAsync(() => worker.RunOnceAsync(CancellationToken.None), async () => (await ReadAsync(id)).Status != SilenceStatuses.UnderSilence, "procedure");

    [Fact]
    public async Task Silence_that_holds_passes_at_the_expiry_once_and_every_mission_is_sent_the_adoption_letter()
    {
        var id = await ProcedureAsync();
        _clock.SetUtcNow(Expiry - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await Worker().RunOnceAsync(CancellationToken.None));
        Assert.Equal(SilenceStatuses.UnderSilence, (await ReadAsync(id)).Status);

        _clock.SetUtcNow(Expiry);
        var decided = await Task.WhenAll(Worker().RunOnceAsync(CancellationToken.None), Worker().RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, decided.Sum());
        Assert.Equal(0, await Worker().RunOnceAsync(CancellationToken.None));
        var procedure = await ReadAsync(id);
        Assert.Equal((SilenceStatuses.Passed, Expiry), (procedure.Status, procedure.DecidedAt!.Value));
        var letterId = Assert.Single(procedure.Letters);

        var (letters, notices) = await OutboxAsync();
        Assert.Equal(20, letters.Count); // ten missions, two addresses each, once
        Assert.Equal(20, letters.Select(l => l.To).Distinct().Count());
        Assert.All(letters, l => Assert.Equal("Silence procedure: the modalities of stakeholder participation: adopted", l.Values["subject"]));
        Assert.Contains("Silence has therefore passed, and the proposal is adopted.", letters[0].Values["text"]);
        Assert.Contains("Friday, 25 January 2030 at 6.00pm (New York time)", letters[0].Values["text"]);
        var notice = Assert.Single(notices);
        Assert.Equal(("silence-notice", "Silence passed: the modalities of stakeholder participation"), (notice.Template, notice.Values["subject"]));

        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        Assert.Equal(195, await db.LetterRecipients.Where(r => r.LetterId == letterId).Select(r => r.State).Distinct().CountAsync());
    }

    [Fact]
    public async Task An_objection_a_moment_before_the_expiry_breaks_silence_and_one_at_the_expiry_is_refused()
    {
        var id = await ProcedureAsync();
        _clock.SetUtcNow(Expiry - TimeSpan.FromMilliseconds(1));
        Assert.Equal(StatusCodes.Status201Created, await ObjectAsync(id, "FRA", paragraphs: "3, 1-2"));
        Assert.Equal(StatusCodes.Status409Conflict, await ObjectAsync(id, "FRA")); // one stands per State
        Assert.Equal(StatusCodes.Status400BadRequest, await ObjectAsync(id, "DEU", paragraphs: "4"));
        Assert.Equal(StatusCodes.Status403Forbidden, await ObjectAsync(id, "VAT")); // an observer State does not decide
        _clock.SetUtcNow(Expiry);
        Assert.Equal(StatusCodes.Status409Conflict, await ObjectAsync(id, "DEU"));

        Assert.Equal(1, await Worker().RunOnceAsync(CancellationToken.None));
        var procedure = await ReadAsync(id);
        Assert.Equal((SilenceStatuses.Broken, "FRA"), (procedure.Status, string.Join(',', procedure.BrokenBy)));
        Assert.Null(procedure.AnnouncedAt); // the missions are told when the Chair's office decides
        Assert.Empty(procedure.Letters);
        var (letters, notices) = await OutboxAsync();
        Assert.Empty(letters);
        Assert.Equal(["Silence broken by France: the modalities of stakeholder participation", "Silence broken: the modalities of stakeholder participation"],
            notices.Select(n => n.Values["subject"]).ToArray());
        Assert.Contains("concerning paragraphs 1-3", notices[0].Values["text"]);
        await using var scope = _services.CreateAsyncScope();
        var refused = await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().SilenceObjections.CountAsync(o => o.State == "DEU");
        Assert.Equal(0, refused);
    }

    [Fact]
    public async Task Objections_racing_the_expiry_count_exactly_when_they_were_received_and_the_outcome_is_decided_once()
    {
        var id = await ProcedureAsync();
        var members = MemberStateCatalog.All.Where(s => s.Status == UnStatus.Member).Select(s => s.Iso3).ToList();
        var received = await DeadlineRace.RunAsync(members, _clock, Expiry, "expiry", state => ObjectAsync(id, state),
            () => DecideAsync(Worker(), id), () => Worker().RunOnceAsync(CancellationToken.None));
        var procedure = await ReadAsync(id);
        Assert.Equal(SilenceStatuses.Broken, procedure.Status);
        Assert.Equal(received, procedure.BrokenBy.Order().ToList());
        await using var scope = _services.CreateAsyncScope();
        var kept = await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().SilenceObjections.Where(o => o.ProcedureId == id).ToListAsync();
        Assert.Equal(received, kept.Select(o => o.State).Order().ToList());
        Assert.All(kept, o => Assert.True(o.ReceivedAt < Expiry));
        Assert.Single((await OutboxAsync()).Notices, n => n.Values["subject"].StartsWith("Silence broken:", StringComparison.Ordinal));
    }
}
