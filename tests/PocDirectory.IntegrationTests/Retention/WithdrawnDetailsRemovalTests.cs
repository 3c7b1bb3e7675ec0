using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.PointsOfContact;
using PocDirectory.Directory.Reachability;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;
using PocDirectory.Notifications.Infrastructure;
using PocDirectory.Notifications.Model;
using DirectoryRemoval = PocDirectory.Directory.PointsOfContact.WithdrawnDetailsRemoval;
using NominationsRemoval = PocDirectory.Nominations.Workflow.WithdrawnDetailsRemoval;
using NotificationsRemoval = PocDirectory.Notifications.IntegrationEvents.WithdrawnDetailsRemoval;

namespace PocDirectory.IntegrationTests.Retention;

/// <summary>
/// A withdrawn person's details leave the Directory, Nominations and Notifications once the retention period has
/// passed, on a fake clock and real databases: not a minute before, once (two replicas at the same moment
/// included), and nothing of a person still listed or withdrawn more recently.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class WithdrawnDetailsRemovalTests(ServersFixture servers) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly string AuditType = OutboxMessage.TypeName(typeof(AuditRecorded));
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly IConfiguration _configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Retention:WithdrawnDays"] = "30" }).Build();
    private ServiceProvider _services = null!;
    private readonly List<string> _databases = [];

    private readonly Guid _gone = Guid.NewGuid();      // withdrawn at Start
    private readonly Guid _later = Guid.NewGuid();     // withdrawn ten days later
    private readonly Guid _listed = Guid.NewGuid();    // still listed

    public async Task InitializeAsync()
    {
        var directory = await servers.CreateDatabaseAsync("retention_dir");
        var nominations = await servers.CreateDatabaseAsync("retention_nom");
        var notifications = await servers.CreateDatabaseAsync("retention_not");
        _databases.AddRange([directory, nominations, notifications]);
        _services = new ServiceCollection()
            .AddDbContext<DirectoryDbContext>(o => o.UseNpgsql(directory))
            .AddDbContext<NominationsDbContext>(o => o.UseNpgsql(nominations))
            .AddDbContext<NotificationsDbContext>(o => o.UseNpgsql(notifications))
            .BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DirectoryDbContext>().Database.MigrateAsync();
        await scope.ServiceProvider.GetRequiredService<NominationsDbContext>().Database.MigrateAsync();
        await scope.ServiceProvider.GetRequiredService<NotificationsDbContext>().Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        // Their idle connections go now, not minutes later: the suite shares one server's connection limit.
        foreach (var database in _databases)
        {
            using var connection = new Npgsql.NpgsqlConnection(database);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
    }

    [Fact]
    public async Task The_Directory_removes_a_withdrawn_persons_details_from_the_entry_its_versions_and_ping_tests_after_the_period_once()
    {
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            var campaign = Guid.NewGuid();
            foreach (var (id, name, withdrawnAt) in new[] { (_gone, "Gone Person", (DateTimeOffset?)Start), (_later, "Later Person", Start.AddDays(10)), (_listed, "Listed Person", null) })
            {
                db.Entries.Add(new PocEntry
                {
                    PocId = id, State = "FRA", Version = withdrawnAt is null ? 1 : 2, ListedAt = Start.AddDays(-100), UpdatedAt = Start,
                    Status = withdrawnAt is null ? EntryStatus.Listed : EntryStatus.Withdrawn, WithdrawnAt = withdrawnAt, Details = Details(name),
                });
                db.EntryVersions.Add(new PocEntryVersion { PocId = id, Version = 1, Kind = ChangeKinds.Listed, Details = Details(name), Actor = "dm", At = Start.AddDays(-100) });
                if (withdrawnAt is not null)
                {
                    db.EntryVersions.Add(new PocEntryVersion
                    {
                        PocId = id, Version = 2, Kind = ChangeKinds.Withdrawn, Details = Details(name), Actor = "fp", Reason = $"{name} left the ministry", At = withdrawnAt.Value,
                    });
                }
                db.PingRecipients.Add(new PingRecipient
                {
                    CampaignId = campaign, PocId = id, State = "FRA", RegionalGroup = "WesternEuropeanAndOthers", Type = "technical",
                    FullName = name, Email = Email(name), UndeliverableAt = Start.AddDays(-50), UndeliverableReason = $"550 {Email(name)} unknown",
                });
            }
            await db.SaveChangesAsync();
        }
        var worker = new DirectoryRemoval(Scopes, _clock, _configuration, NullLogger<DirectoryRemoval>.Instance);
        await PassThePeriodAsync(worker, new DirectoryRemoval(Scopes, _clock, _configuration, NullLogger<DirectoryRemoval>.Instance));

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            var entry = await db.Entries.AsNoTracking().SingleAsync(e => e.PocId == _gone);
            Assert.Equal(("technical", RemovedDetails.FullName, "", "", ""), (entry.Details!.Type, entry.Details.FullName, entry.Details.Email, entry.Details.Title, entry.Details.Organization));
            Assert.Empty(entry.Details.Phones);
            Assert.Equal(_clock.GetUtcNow(), entry.DetailsRemovedAt);
            Assert.Equal(EntryStatus.Withdrawn, entry.Status);
            Assert.Equal(Start, entry.WithdrawnAt);
            var versions = await db.EntryVersions.AsNoTracking().Where(v => v.PocId == _gone).ToListAsync();
            Assert.All(versions, v => Assert.Equal(RemovedDetails.FullName, v.Details!.FullName));
            Assert.All(versions, v => Assert.Empty(v.Details!.Phones));
            Assert.All(versions, v => Assert.Null(v.Reason));
            Assert.Equal(["dm", "fp"], versions.OrderBy(v => v.Version).Select(v => v.Actor)); // who did what stays
            var recipient = await db.PingRecipients.AsNoTracking().SingleAsync(r => r.PocId == _gone);
            Assert.Equal((RemovedDetails.FullName, "", "(removed)"), (recipient.FullName, recipient.Email, recipient.UndeliverableReason));
            Assert.NotNull(recipient.UndeliverableAt);

            foreach (var (id, name) in new[] { (_later, "Later Person"), (_listed, "Listed Person") })
            {
                Assert.Equal(name, (await db.Entries.AsNoTracking().SingleAsync(e => e.PocId == id)).Details!.FullName);
                Assert.All(await db.EntryVersions.AsNoTracking().Where(v => v.PocId == id).ToListAsync(), v => Assert.Equal(name, v.Details!.FullName));
                Assert.Equal(Email(name), (await db.PingRecipients.AsNoTracking().SingleAsync(r => r.PocId == id)).Email);
            }
            Assert.Equal(1, await AuditRecordsAsync(db, _gone));
        }

        _clock.Advance(TimeSpan.FromDays(10));
        Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            Assert.Equal(RemovedDetails.FullName, (await db.Entries.AsNoTracking().SingleAsync(e => e.PocId == _later)).Details!.FullName);
            Assert.Equal("Listed Person", (await db.Entries.AsNoTracking().SingleAsync(e => e.PocId == _listed)).Details!.FullName);
        }
    }

    [Fact]
    public async Task Nominations_removes_the_persons_details_from_the_listing_every_nomination_version_event_and_update_request()
    {
        var nominationOfGone = Guid.NewGuid();
        var nominationOfListed = Guid.NewGuid();
        var request = Guid.NewGuid();
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
            db.UpdateRequests.Add(new UpdateRequest { Id = request, State = "FRA", RequestedAt = Start.AddDays(-20), RequestedBy = "dm" });
            foreach (var (poc, nomination, name, withdrawnAt) in new[] { (_gone, nominationOfGone, "Gone Person", (DateTimeOffset?)Start), (_listed, nominationOfListed, "Listed Person", null) })
            {
                db.ListedPocs.Add(new ListedPoc
                {
                    PocId = poc, State = "FRA", Version = 1, Details = Details(name), Email = Email(name), NominationId = nomination,
                    ListedAt = Start.AddDays(-100), UpdatedAt = Start, WithdrawnAt = withdrawnAt, WithdrawnBy = withdrawnAt is null ? null : "fp",
                    WithdrawalReason = withdrawnAt is null ? null : $"{name} left",
                });
                db.Nominations.Add(new Nomination
                {
                    Id = nomination, PocId = poc, State = "FRA", Status = NominationStatus.Approved, Revision = 1, CreatedBy = "fp", CreatedByName = "A Focal Point",
                    Draft = new NominationInput { Type = "technical", FullName = name, Email = Email(name) }, Submitted = Details(name),
                    NomineeEmail = Email(name), ConfirmedEmail = Email(name), DecisionReason = $"{name} checked", CreatedAt = Start.AddDays(-110), UpdatedAt = Start.AddDays(-100),
                });
                db.NominationVersions.Add(new NominationVersion
                {
                    NominationId = nomination, Revision = 1, Details = Details(name), SubmittedBy = "fp", SubmittedByName = "A Focal Point", SubmittedAt = Start.AddDays(-110),
                });
                db.NominationEvents.Add(new NominationEvent { NominationId = nomination, At = Start.AddDays(-100), Actor = "dm", ActorName = "Manager", Action = "approved", Detail = $"{name} approved" });
                db.NominationEvents.Add(new NominationEvent { NominationId = nomination, At = Start.AddDays(-105), Actor = $"nominee:{Email(name)}", ActorName = name, Action = "confirmed" });
                db.UpdateRequestEntries.Add(new UpdateRequestEntry { RequestId = request, PocId = poc, FullName = name, Type = "technical" });
            }
            await db.SaveChangesAsync();
        }
        await PassThePeriodAsync(new NominationsRemoval(Scopes, _clock, _configuration, NullLogger<NominationsRemoval>.Instance),
            new NominationsRemoval(Scopes, _clock, _configuration, NullLogger<NominationsRemoval>.Instance));

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
            var listed = await db.ListedPocs.AsNoTracking().SingleAsync(p => p.PocId == _gone);
            Assert.Equal((RemovedDetails.FullName, "", null, "fp"), (listed.Details.FullName, listed.Email, listed.WithdrawalReason, listed.WithdrawnBy));
            var nomination = await db.Nominations.AsNoTracking().SingleAsync(n => n.Id == nominationOfGone);
            Assert.Equal(RemovedDetails.FullName, nomination.Draft.FullName);
            Assert.Null(nomination.Draft.Email);
            Assert.Equal(RemovedDetails.FullName, nomination.Submitted!.FullName);
            Assert.Equal((null, null, null), (nomination.NomineeEmail, nomination.ConfirmedEmail, nomination.DecisionReason));
            Assert.Equal(("fp", NominationStatus.Approved), (nomination.CreatedBy, nomination.Status));
            Assert.Equal(RemovedDetails.FullName, (await db.NominationVersions.AsNoTracking().SingleAsync(v => v.NominationId == nominationOfGone)).Details.FullName);
            var removedEvent = await db.NominationEvents.AsNoTracking().SingleAsync(e => e.NominationId == nominationOfGone && e.Action == "approved");
            Assert.Equal(("approved", null, "dm"), (removedEvent.Action, removedEvent.Detail, removedEvent.Actor));
            var nomineeEvent = await db.NominationEvents.AsNoTracking().SingleAsync(e => e.NominationId == nominationOfGone && e.Action == "confirmed");
            Assert.Equal(("nominee", RemovedDetails.FullName), (nomineeEvent.Actor, nomineeEvent.ActorName));
            Assert.Equal(RemovedDetails.FullName, (await db.UpdateRequestEntries.AsNoTracking().SingleAsync(e => e.PocId == _gone)).FullName);

            Assert.Equal("Listed Person", (await db.ListedPocs.AsNoTracking().SingleAsync(p => p.PocId == _listed)).Details.FullName);
            Assert.Equal(Email("Listed Person"), (await db.Nominations.AsNoTracking().SingleAsync(n => n.Id == nominationOfListed)).NomineeEmail);
            Assert.Equal("Listed Person approved", (await db.NominationEvents.AsNoTracking().SingleAsync(e => e.NominationId == nominationOfListed && e.Action == "approved")).Detail);
            Assert.Equal("Listed Person", (await db.NominationEvents.AsNoTracking().SingleAsync(e => e.NominationId == nominationOfListed && e.Action == "confirmed")).ActorName);
            Assert.Equal("Listed Person", (await db.UpdateRequestEntries.AsNoTracking().SingleAsync(e => e.PocId == _listed)).FullName);
            Assert.Equal(1, await AuditRecordsAsync(db, _gone));
        }
    }

    [Fact]
    public async Task Notifications_removes_the_address_and_contents_of_the_emails_sent_to_the_person_before_the_withdrawal()
    {
        var before = Guid.NewGuid();
        var after = Guid.NewGuid();
        var waiting = Guid.NewGuid();
        var other = Guid.NewGuid();
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            db.WithdrawnAddresses.Add(new WithdrawnAddress { PocId = _gone, Email = "Gone.Person@Example.org", WithdrawnAt = Start });
            db.EmailDeliveries.AddRange(
                Delivery(before, "gone.person@example.org", Start.AddDays(-3), DeliveryStatus.Sent),
                Delivery(after, "gone.person@example.org", Start.AddDays(1), DeliveryStatus.Sent), // to whoever has the address next
                Delivery(waiting, "GONE.PERSON@example.org", Start.AddDays(-1), DeliveryStatus.Pending),
                Delivery(other, "someone.else@example.org", Start.AddDays(-3), DeliveryStatus.Failed));
            await db.SaveChangesAsync();
        }
        await PassThePeriodAsync(new NotificationsRemoval(Scopes, _clock, _configuration, NullLogger<NotificationsRemoval>.Instance),
            new NotificationsRemoval(Scopes, _clock, _configuration, NullLogger<NotificationsRemoval>.Instance));

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            var removed = await db.EmailDeliveries.AsNoTracking().SingleAsync(d => d.Id == before);
            Assert.Equal(("", null, "", "", ""), (removed.To, removed.ToName, removed.Subject, removed.TextBody, removed.HtmlBody));
            Assert.Equal(("ping-test", DeliveryStatus.Sent), (removed.Template, removed.Status)); // that it was sent, and what kind, stays
            foreach (var kept in new[] { after, waiting, other })
            {
                Assert.Contains("Person", (await db.EmailDeliveries.AsNoTracking().SingleAsync(d => d.Id == kept)).TextBody, StringComparison.Ordinal);
            }
            Assert.Empty(await db.WithdrawnAddresses.AsNoTracking().ToListAsync()); // the address itself goes too
            Assert.Equal(1, await AuditRecordsAsync(db, _gone));
        }
    }

    private IServiceScopeFactory Scopes => _services.GetRequiredService<IServiceScopeFactory>();

    /// <summary>Nothing a minute before the period; at it, the one due withdrawal handled once though two replicas check together; then nothing more.</summary>
    private async Task PassThePeriodAsync(PocDirectory.BuildingBlocks.Persistence.DeadlineWorker worker, PocDirectory.BuildingBlocks.Persistence.DeadlineWorker replica)
    {
        _clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await Task.WhenAll(worker.RunOnceAsync(CancellationToken.None), replica.RunOnceAsync(CancellationToken.None))).Sum());
        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
    }

    private static EmailDelivery Delivery(Guid id, string to, DateTimeOffset at, DeliveryStatus status) => new()
    {
        Id = id, To = to, ToName = "Gone Person", Template = "ping-test", RequestedBy = "directory", Subject = "Ping test for Gone Person",
        TextBody = "Dear Gone Person, please acknowledge.", HtmlBody = "<p>Dear Gone Person</p>", Status = status, CreatedAt = at, NextAttemptAt = at,
        SentAt = status == DeliveryStatus.Sent ? at : null,
    };

    /// <summary>The audit records naming the entry in the service's outbox.</summary>
    private static async Task<int> AuditRecordsAsync(DbContext db, Guid pocId) =>
        (await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.MessageType == AuditType).ToListAsync())
        .Count(m => m.Body.Contains(pocId.ToString(), StringComparison.Ordinal) && m.Body.Contains("poc.details-removed", StringComparison.Ordinal));

    private static string Email(string name) => $"{name.Replace(' ', '.').ToLowerInvariant()}@example.org";

    private static PocDetails Details(string name) => new()
    {
        Type = "technical",
        FullName = name,
        Title = "Officer",
        Organization = "Ministry",
        Email = Email(name),
        Phones = [new PocPhone("+33123456789", "office")],
        Languages = ["fr"],
        TimeZone = "Europe/Paris",
        Availability = new PocAvailability(true, [], null, null),
        PgpKey = null,
    };
}
