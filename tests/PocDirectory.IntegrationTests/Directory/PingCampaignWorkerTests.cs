using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Identity;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.Directory.Apis;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.PointsOfContact;
using PocDirectory.Directory.Reachability;
using PocDirectory.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace PocDirectory.IntegrationTests.Directory;

/// <summary>
/// Ping campaigns on a real directorydb with a fake clock: the first e-mail to everyone in scope,
/// reminders at 24 and 48 hours to those who have not answered, the close at 72 hours telling the
/// non-responders' focal points, each exactly once, also with two replicas at the same moment; links
/// that work once; reachability after one and two missed campaigns.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class PingCampaignWorkerTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly string BatchType = OutboxMessage.TypeName(typeof(SendEmailBatch));
    private static readonly string FocalPointsType = OutboxMessage.TypeName(typeof(EmailFocalPoints));
    private static readonly Caller Manager = new("dm-1", "The Secretariat", "dm@example.org", new HashSet<string> { Roles.DirectoryManager }, null, IsMachine: false);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;
    private PingCampaignWorker _worker = null!;
    private PingCampaignWorker _otherReplica = null!;
    private readonly Guid _fraMain = Guid.CreateVersion7();
    private readonly Guid _fraTechnical = Guid.CreateVersion7();
    private readonly Guid _ken = Guid.CreateVersion7();

    public async Task InitializeAsync()
    {
        var connectionString = await servers.CreateDatabaseAsync("ping");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Issuer"] = "http://localhost:1/",
            ["services:web:http:0"] = "http://localhost:2",
        }).Build();
        var services = new ServiceCollection();
        services.AddHybridCache();
        _services = services
            .AddDbContext<DirectoryDbContext>(o => o.UseNpgsql(connectionString))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(servers.Redis.ConnectionString))
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<DirectoryGeneration>()
            .AddScoped<PingCampaigns>()
            .AddScoped<MemberStateReader>()
            .AddSingleton<CacheInvalidator>()
            .BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        await db.Database.MigrateAsync();
        db.Entries.AddRange(
            Entry(_fraMain, "FRA", PocTypes.Diplomatic, "Claire Martin"),
            Entry(_fraTechnical, "FRA", PocTypes.Technical, "Luc Bernard"),
            Entry(_ken, "KEN", PocTypes.Technical, "Wanjiru Kamau"));
        await db.SaveChangesAsync();
        var scopes = _services.GetRequiredService<IServiceScopeFactory>();
        _worker = new PingCampaignWorker(scopes, _clock, configuration, NullLogger<PingCampaignWorker>.Instance);
        _otherReplica = new PingCampaignWorker(scopes, _clock, configuration, NullLogger<PingCampaignWorker>.Instance);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Reminders_go_at_24_and_48_hours_to_those_who_have_not_answered_and_the_close_tells_their_focal_points_once()
    {
        var campaign = await StartAsync(new PingCampaignRequest(null, null, null, null, null, Everyone: true));
        Assert.Equal([24, 48], campaign.ReminderHours);
        var first = await EmailsAsync();
        Assert.Equal(3, first.Count);
        Assert.All(first, e => Assert.Equal("ping-test", e.Template));
        Assert.Equal(3, first.Select(e => e.EmailId).Distinct().Count());
        Assert.Equal(AcknowledgeOutcome.Acknowledged, await AcknowledgeAsync(LinkOf(first, "Claire Martin")));
        Assert.Equal(AcknowledgeOutcome.AlreadyAcknowledged, await AcknowledgeAsync(LinkOf(first, "Claire Martin"))); // works once
        Assert.Equal(AcknowledgeOutcome.NotFound, await AcknowledgeAsync("not-a-token"));

        _clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await _worker.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None)); // once
        var afterFirstReminder = await EmailsAsync();
        var reminders = afterFirstReminder.Skip(3).ToList();
        Assert.Equal(["Luc Bernard", "Wanjiru Kamau"], reminders.Select(e => e.ToName).Order());
        Assert.All(reminders, e => Assert.Equal("yes", e.Values["reminder"]));
        // The first link still works after the reminder.
        Assert.Equal(AcknowledgeOutcome.Acknowledged, await AcknowledgeAsync(LinkOf(first, "Wanjiru Kamau")));
        Assert.Equal(AcknowledgeOutcome.AlreadyAcknowledged, await AcknowledgeAsync(LinkOf(reminders, "Wanjiru Kamau")));

        _clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(1, await _worker.RunOnceAsync(CancellationToken.None));
        var second = (await EmailsAsync()).Skip(5).ToList();
        Assert.Equal("Luc Bernard", Assert.Single(second).ToName);

        _clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(2));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None));
        Assert.Empty(await FocalPointRequestsAsync());
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await _worker.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, await _worker.RunOnceAsync(CancellationToken.None)); // closed for good

        var told = Assert.Single(await FocalPointRequestsAsync());
        Assert.Equal(("FRA", "ping-non-responders", "1"), (told.State, told.Template, told.Values["count"]));
        Assert.Contains("Luc Bernard (technical)", told.Values["list"]);
        Assert.Equal(6, (await EmailsAsync()).Count);
        Assert.Equal(AcknowledgeOutcome.Closed, await AcknowledgeAsync(LinkOf(second, "Luc Bernard")));

        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var entries = await db.Entries.AsNoTracking().ToDictionaryAsync(e => e.PocId);
        Assert.Equal(ReachabilityStatus.Verified, entries[_fraMain].Reachability);
        Assert.Equal(campaign.StartedAt, entries[_fraMain].LastVerifiedAt);
        Assert.Equal(ReachabilityStatus.Verified, entries[_ken].Reachability);
        Assert.Equal((ReachabilityStatus.Pending, 1, (DateTimeOffset?)null), (entries[_fraTechnical].Reachability, entries[_fraTechnical].MissedInARow, entries[_fraTechnical].LastVerifiedAt));
        var closed = await db.PingCampaigns.AsNoTracking().SingleAsync(c => c.Id == campaign.Id);
        Assert.Equal((CampaignStatus.Closed, 2), (closed.Status, closed.RemindersSent));

        var recipients = await db.PingRecipients.AsNoTracking().Where(r => r.CampaignId == campaign.Id).ToListAsync();
        var results = PingResults.Compute(closed, recipients, new Dictionary<string, string> { ["FRA"] = "France", ["KEN"] = "Kenya" }, null, _clock.GetUtcNow());
        Assert.Equal((3, 2, 1, 0.6667), (results.Overall.Asked, results.Overall.Acknowledged, results.Overall.Missed, results.Overall.Rate));
        Assert.Equal(0, results.MedianMinutes);
        Assert.Equal(24 * 60 + 1, results.P90Minutes);
        Assert.Equal("missed", Assert.Single(results.NonResponders).Status);
    }

    [Fact]
    public async Task Missing_two_campaigns_in_a_row_makes_a_point_of_contact_unresponsive_and_an_answer_makes_it_verified()
    {
        for (var round = 1; round <= 2; round++)
        {
            await StartAsync(new PingCampaignRequest(null, null, ["FRA"], 2, [], null));
            _clock.Advance(TimeSpan.FromHours(2));
            Assert.Equal(1, await _worker.RunOnceAsync(CancellationToken.None));
        }
        var third = await StartAsync(new PingCampaignRequest(null, [PocTypes.Technical], ["FRA"], 2, [1], null));
        Assert.Equal(1, third.RecipientCount);
        await using (var scope = _services.CreateAsyncScope())
        {
            var entry = await scope.ServiceProvider.GetRequiredService<DirectoryDbContext>().Entries.AsNoTracking().SingleAsync(e => e.PocId == _fraTechnical);
            Assert.Equal((ReachabilityStatus.Unresponsive, 2), (entry.Reachability, entry.MissedInARow)); // a new test leaves it unresponsive
        }
        var link = LinkOf(await EmailsAsync(), "Luc Bernard", last: true);
        Assert.Equal(AcknowledgeOutcome.Acknowledged, await AcknowledgeAsync(link));
        await using (var scope = _services.CreateAsyncScope())
        {
            var entry = await scope.ServiceProvider.GetRequiredService<DirectoryDbContext>().Entries.AsNoTracking().SingleAsync(e => e.PocId == _fraTechnical);
            Assert.Equal((ReachabilityStatus.Verified, 0), (entry.Reachability, entry.MissedInARow));
        }
        Assert.Equal(2, (await FocalPointRequestsAsync()).Count(r => r.State == "FRA"));
    }

    [Fact]
    public async Task An_acknowledgement_commits_with_its_audit_record_or_not_at_all()
    {
        await StartAsync(new PingCampaignRequest(null, [PocTypes.Technical], ["FRA"], 2, [1], null));
        var token = TokenOf(LinkOf(await EmailsAsync(), "Luc Bernard"));
        var audit = OutboxMessage.TypeName(typeof(AuditRecorded));

        // The audit record cannot be written (here: it throws): the acknowledgement is not kept either.
        await using (var scope = _services.CreateAsyncScope())
        {
            var campaigns = scope.ServiceProvider.GetRequiredService<PingCampaigns>();
            await Assert.ThrowsAsync<InvalidOperationException>(() =>
                campaigns.AcknowledgeWithLinkAsync(token, _ => throw new InvalidOperationException("no audit"), CancellationToken.None));
        }
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            Assert.Null((await db.PingRecipients.AsNoTracking().SingleAsync(r => r.PocId == _fraTechnical)).AcknowledgedAt);
            Assert.Equal(0, await db.Set<OutboxMessage>().CountAsync(m => m.MessageType == audit));
        }

        // With it, both are committed, the record saying what happened.
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            var outcome = await scope.ServiceProvider.GetRequiredService<PingCampaigns>().AcknowledgeWithLinkAsync(token, result =>
                db.AddAuditRecord(ResourceNames.Directory, "ping.acknowledged-by-link", AuditOutcomes.Success, actor: "ping-link", detail: result.ToString()),
                CancellationToken.None);
            Assert.Equal(AcknowledgeOutcome.Acknowledged, outcome);
        }
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            Assert.NotNull((await db.PingRecipients.AsNoTracking().SingleAsync(r => r.PocId == _fraTechnical)).AcknowledgedAt);
            var body = Assert.Single(await db.Set<OutboxMessage>().Where(m => m.MessageType == audit).Select(m => m.Body).ToListAsync());
            Assert.Equal("Acknowledged", JsonSerializer.Deserialize<AuditRecorded>(body, JsonSerializerOptions.Web)!.Detail);
        }
    }

    [Fact]
    public async Task Two_replicas_at_the_same_moment_remind_and_close_each_campaign_once()
    {
        await StartAsync(new PingCampaignRequest(null, null, null, null, null, Everyone: true));
        await StartAsync(new PingCampaignRequest(["AG"], null, null, null, null));
        _clock.Advance(TimeSpan.FromHours(25));
        var handled = await Task.WhenAll(_worker.RunOnceAsync(CancellationToken.None), _otherReplica.RunOnceAsync(CancellationToken.None));
        Assert.Equal(2, handled.Sum());
        Assert.Equal(3 + 1 + 3 + 1, (await EmailsAsync()).Count); // first e-mails and one reminder each

        _clock.Advance(TimeSpan.FromDays(5)); // past the second reminder and the close: no reminder, one close
        handled = await Task.WhenAll(_worker.RunOnceAsync(CancellationToken.None), _otherReplica.RunOnceAsync(CancellationToken.None));
        Assert.Equal(2, handled.Sum());
        Assert.Equal(8, (await EmailsAsync()).Count);
        var told = await FocalPointRequestsAsync();
        Assert.Equal(["FRA", "KEN", "KEN"], told.Select(t => t.State).Order());
        Assert.Equal(3, told.Select(t => t.RequestId).Distinct().Count());
    }

    [Fact]
    public async Task A_campaign_that_asks_nobody_or_has_bad_settings_is_refused_field_by_field_and_leaves_nothing()
    {
        var errors = await Assert.ThrowsAsync<FieldErrorsException>(() => StartAsync(new PingCampaignRequest(["Atlantis"], ["legal"], ["XXX"], 0, [0, 0], null)));
        Assert.Equal(["regionalGroups", "reminderHours", "states", "types", "windowHours"], errors.Errors.Keys.Order());
        errors = await Assert.ThrowsAsync<FieldErrorsException>(() => StartAsync(new PingCampaignRequest(null, null, null, null, null)));
        Assert.Equal(["scope"], errors.Errors.Keys);
        errors = await Assert.ThrowsAsync<FieldErrorsException>(() => StartAsync(new PingCampaignRequest(["EEG"], null, null, null, null)));
        Assert.Contains("No listed point of contact", Assert.Single(errors.Errors["scope"]));
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        Assert.Equal(0, await db.PingCampaigns.CountAsync());
        Assert.Empty(await EmailsAsync());
    }

    private async Task<PingCampaign> StartAsync(PingCampaignRequest request)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var campaign = await scope.ServiceProvider.GetRequiredService<PingCampaigns>().StartAsync(request, Manager, CancellationToken.None);
        await transaction.CommitAsync();
        return campaign;
    }

    private async Task<AcknowledgeOutcome> AcknowledgeAsync(string link)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PingCampaigns>().AcknowledgeWithLinkAsync(TokenOf(link), audit: null, CancellationToken.None);
    }

    /// <summary>The token of an e-mailed link (or the token itself).</summary>
    private static string TokenOf(string link) =>
        link.Contains("token=", StringComparison.Ordinal) ? link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..] : link;

    private static string LinkOf(IEnumerable<SendEmail> emails, string name, bool last = false)
    {
        var mine = emails.Where(e => e.ToName == name).ToList();
        return (last ? mine[^1] : mine[0]).Values["link"];
    }

    private async Task<List<SendEmail>> EmailsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var bodies = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.MessageType == BatchType).OrderBy(m => m.Id).Select(m => m.Body).ToListAsync();
        return [.. bodies.SelectMany(b => JsonSerializer.Deserialize<SendEmailBatch>(b, JsonSerializerOptions.Web)!.Emails)];
    }

    private async Task<List<EmailFocalPoints>> FocalPointRequestsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var bodies = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.MessageType == FocalPointsType).OrderBy(m => m.Id).Select(m => m.Body).ToListAsync();
        return [.. bodies.Select(b => JsonSerializer.Deserialize<EmailFocalPoints>(b, JsonSerializerOptions.Web)!)];
    }

    private PocEntry Entry(Guid id, string state, string type, string name) => new()
    {
        PocId = id,
        State = state,
        Version = 1,
        Status = EntryStatus.Listed,
        ListedAt = _clock.GetUtcNow(),
        UpdatedAt = _clock.GetUtcNow(),
        Details = new PocDetails
        {
            Type = type,
            FullName = name,
            Title = "Officer",
            Organization = "Ministry",
            Email = $"{name.Replace(' ', '.').ToLowerInvariant()}@example.org",
            Phones = [new PocPhone("+33123456789", "office")],
            Languages = ["en"],
            TimeZone = "Europe/Paris",
            Availability = new PocAvailability(true, [], null, null),
        },
    };
}
