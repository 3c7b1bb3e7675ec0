using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Meetings.Feeds;
using PocDirectory.Meetings.Infrastructure;

namespace PocDirectory.IntegrationTests.Meetings;

/// <summary>
/// The pruning of calendar feeds on a real meetingsdb with a fake clock: an expired feed is kept 30 days and then
/// forgotten, a revocation once no feed made before it can work; nothing earlier, nothing else; two replicas at once.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class FeedPruningTests(ServersFixture servers) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly IConfiguration _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Meetings:FeedLifetime"] = "90.00:00:00" }).Build();
    private ServiceProvider _services = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await servers.CreateDatabaseAsync("feedpruning");
        _services = new ServiceCollection()
            .AddDbContext<MeetingsDbContext>(o => o.UseNpgsql(_connectionString))
            .BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(_connectionString));
    }

    private FeedPruning Worker() => new(_services.GetRequiredService<IServiceScopeFactory>(), _clock, _configuration, NullLogger<FeedPruning>.Instance);

    private async Task<(List<string> Feeds, List<string> Revoked)> RowsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        return (await db.Feeds.AsNoTracking().Select(f => f.Subject).OrderBy(s => s).ToListAsync(),
            await db.RevokedSubjects.AsNoTracking().Select(r => r.Subject).OrderBy(s => s).ToListAsync());
    }

    [Fact]
    public async Task Expired_feeds_are_forgotten_after_30_days_and_revocations_after_the_feeds_lifetime_and_a_day_once_across_replicas()
    {
        var now = _clock.GetUtcNow();
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
            CalendarFeed Feed(string subject, TimeSpan expiredAgo) => new()
            {
                Subject = subject, TokenHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), Roles = [PocDirectory.Roles.Delegate], State = "FRA",
                CreatedAt = now - expiredAgo - TimeSpan.FromDays(90), GrantedAt = now - expiredAgo - TimeSpan.FromDays(90), ExpiresAt = now - expiredAgo,
            };
            // A feed made under a longer lifetime than the one set now, before its owner's revocation: still kept, so is the revocation.
            var longLived = Feed("revoked-200-days", -TimeSpan.FromDays(100));
            longLived.GrantedAt = now - TimeSpan.FromDays(201);
            db.Feeds.AddRange(
                Feed("expired-31-days", TimeSpan.FromDays(31)),
                Feed("expired-29-days", TimeSpan.FromDays(29)),
                Feed("working", -TimeSpan.FromDays(10)),
                longLived);
            db.RevokedSubjects.AddRange(
                new RevokedSubject { Subject = "revoked-200-days", RevokedAt = now - TimeSpan.FromDays(200) },
                new RevokedSubject { Subject = "revoked-92-days", RevokedAt = now - TimeSpan.FromDays(92) },
                new RevokedSubject { Subject = "revoked-90-days", RevokedAt = now - TimeSpan.FromDays(90) },
                new RevokedSubject { Subject = "revoked-today", RevokedAt = now });
            await db.SaveChangesAsync();
        }

        // Two replicas at the same moment: each row goes once (the counts add up to what was due).
        var deleted = await Task.WhenAll(Worker().RunOnceAsync(CancellationToken.None), Worker().RunOnceAsync(CancellationToken.None));
        Assert.Equal(2, deleted.Sum());
        var (feeds, revoked) = await RowsAsync();
        Assert.Equal(["expired-29-days", "revoked-200-days", "working"], feeds);
        Assert.Equal(["revoked-200-days", "revoked-90-days", "revoked-today"], revoked);

        // A day and a half later, the feed expired 29 days before has had its 30 days, and the revocation of 90 days its day more.
        _clock.Advance(TimeSpan.FromDays(1.5));
        Assert.Equal(2, await Worker().RunOnceAsync(CancellationToken.None));
        (feeds, revoked) = await RowsAsync();
        Assert.Equal(["revoked-200-days", "working"], feeds);
        Assert.Equal(["revoked-200-days", "revoked-today"], revoked);
        Assert.Equal(0, await Worker().RunOnceAsync(CancellationToken.None));
    }
}
