using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.Reachability;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Directory;

/// <summary>
/// Rows copied in with PostgreSQL's COPY read back as EF Core wrote them with SaveChanges (text, fixed-length text, uuid,
/// bytea, timestamptz, null, bool), commit and roll back with the transaction around them, are refused outside one, and a
/// value too long for its column fails as SaveChanges' insert does.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class CopyInsertTests(ServersFixture servers)
{
    private async Task<DirectoryDbContext> ContextAsync()
    {
        var db = new DirectoryDbContext(new DbContextOptionsBuilder<DirectoryDbContext>().UseNpgsql(await servers.CreateDatabaseAsync("copy")).Options);
        await db.Database.MigrateAsync();
        return db;
    }

    private static PingRecipient Recipient(Guid campaign, int i) => new()
    {
        CampaignId = campaign,
        PocId = Guid.CreateVersion7(),
        State = i % 2 == 0 ? "FRA" : "KEN",
        RegionalGroup = "WEOG",
        Type = "technical",
        FullName = $"Zoë Ñúñez \"{i}\" O'Brien",
        Email = $"poc-{i}@example.org",
        AcknowledgedAt = i % 3 == 0 ? new DateTimeOffset(2026, 12, 7, 9, 30, 15, 123, TimeSpan.Zero) : null,
        AcknowledgedVia = i % 3 == 0 ? "link" : null,
        Missed = i % 5 == 0,
    };

    [Fact]
    public async Task Copied_rows_read_back_as_SaveChanges_writes_them_and_commit_with_their_transaction()
    {
        await using var db = await ContextAsync();
        var campaign = Guid.CreateVersion7();
        var copied = Enumerable.Range(0, 2_000).Select(i => Recipient(campaign, i)).ToList();
        var saved = Enumerable.Range(0, 50).Select(i => Recipient(campaign, i)).ToList();
        var links = copied.Select((r, i) => new PingLink { TokenHash = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)), CampaignId = campaign, PocId = r.PocId, EmailId = Guid.NewGuid() }).ToList();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.CopyInsertAsync(copied, CancellationToken.None);
            await db.CopyInsertAsync(links, CancellationToken.None);
            db.PingRecipients.AddRange(saved);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        db.ChangeTracker.Clear();

        var read = await db.PingRecipients.AsNoTracking().Where(r => r.CampaignId == campaign).ToDictionaryAsync(r => r.PocId);
        Assert.Equal(copied.Count + saved.Count, read.Count);
        foreach (var expected in copied.Concat(saved))
        {
            var row = read[expected.PocId];
            Assert.Equal((expected.State, expected.RegionalGroup, expected.Type, expected.FullName, expected.Email), (row.State, row.RegionalGroup, row.Type, row.FullName, row.Email));
            Assert.Equal((expected.AcknowledgedAt, expected.AcknowledgedVia, expected.Missed, expected.UndeliverableAt), (row.AcknowledgedAt, row.AcknowledgedVia, row.Missed, row.UndeliverableAt));
        }
        var readLinks = await db.PingLinks.AsNoTracking().Where(l => l.CampaignId == campaign).ToListAsync();
        Assert.Equal(links.Select(l => Convert.ToHexString(l.TokenHash)).Order(), readLinks.Select(l => Convert.ToHexString(l.TokenHash)).Order());
        Assert.Equal(links.ToDictionary(l => l.PocId, l => l.EmailId), readLinks.ToDictionary(l => l.PocId, l => l.EmailId));
    }

    [Fact]
    public async Task Rows_copied_in_a_transaction_rolled_back_are_gone_and_a_copy_outside_a_transaction_is_refused()
    {
        await using var db = await ContextAsync();
        var campaign = Guid.CreateVersion7();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.CopyInsertAsync(Enumerable.Range(0, 100).Select(i => Recipient(campaign, i)).ToList(), CancellationToken.None);
            Assert.Equal(100, await db.PingRecipients.CountAsync(r => r.CampaignId == campaign));
            await transaction.RollbackAsync();
        }
        Assert.Equal(0, await db.PingRecipients.CountAsync(r => r.CampaignId == campaign));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => db.CopyInsertAsync([Recipient(campaign, 1)], CancellationToken.None));
        Assert.Contains("transaction", refused.Message);
        Assert.Equal(0, await db.PingRecipients.CountAsync(r => r.CampaignId == campaign));

        // A value too long for its column is refused as SaveChanges' insert is (22001), and nothing of the copy stays.
        var tooLong = Recipient(campaign, 7);
        tooLong.State = "FRAN";
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var copy = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.CopyInsertAsync([Recipient(campaign, 1), tooLong], CancellationToken.None));
            Assert.Equal(Npgsql.PostgresErrorCodes.StringDataRightTruncation, copy.SqlState);
        }
        Assert.Equal(0, await db.PingRecipients.CountAsync(r => r.CampaignId == campaign));
        db.PingRecipients.Add(tooLong);
        var save = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Equal(Npgsql.PostgresErrorCodes.StringDataRightTruncation, Assert.IsType<Npgsql.PostgresException>(save.InnerException).SqlState);
    }

    [Fact]
    public async Task A_short_fixed_length_value_reads_back_the_same_copied_or_saved()
    {
        await using var db = await ContextAsync();
        var campaign = Guid.CreateVersion7();
        var copied = Recipient(campaign, 1);
        var saved = Recipient(campaign, 2);
        copied.State = saved.State = "KE";
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.CopyInsertAsync([copied], CancellationToken.None);
            db.PingRecipients.Add(saved);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        db.ChangeTracker.Clear();
        var states = await db.PingRecipients.AsNoTracking().Where(r => r.CampaignId == campaign).ToDictionaryAsync(r => r.PocId, r => r.State);
        Assert.Equal(states[saved.PocId], states[copied.PocId]);
        Assert.Equal(1, await db.PingRecipients.CountAsync(r => r.CampaignId == campaign && r.PocId == copied.PocId && r.State == saved.State));
    }
}
