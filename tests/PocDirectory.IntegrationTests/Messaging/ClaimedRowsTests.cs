using Microsoft.EntityFrameworkCore;
using Npgsql;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Messaging;

/// <summary>
/// Rows claimed with a raw <c>SELECT * … FOR UPDATE SKIP LOCKED</c>, as the outbox and every deadline worker claim them, on
/// one connection whose statements are prepared on the server (<c>Max Auto Prepare</c>, as every service runs): read
/// through <see cref="ClaimedRows.InOrder"/>, the claim still works after another connection adds a column to the table,
/// as a rolling upgrade's migration does; sent alone, the same claim is refused with 0A000.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ClaimedRowsTests(ServersFixture servers)
{
    private const string Claim = "SELECT * FROM widgets WHERE \"Sequence\" >= 0 ORDER BY \"Sequence\" LIMIT 10 FOR UPDATE SKIP LOCKED";

    private async Task<(TestDbContext Db, string Plain)> DatabaseAsync()
    {
        var plain = await servers.CreateDatabaseAsync("claimed");
        // One physical connection, each statement prepared on the server from its second use.
        var prepared = DatabaseExtensions.WithPreparedStatements(plain) + ";Auto Prepare Min Usages=2;Maximum Pool Size=1";
        var db = new TestDbContext(new DbContextOptionsBuilder<TestDbContext>().UseNpgsql(prepared).Options);
        await db.Database.EnsureCreatedAsync();
        db.Widgets.AddRange(Enumerable.Range(0, 3).Select(i => new Widget { Id = Guid.CreateVersion7(), Sequence = i }));
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return (db, plain);
    }

    private static async Task<List<int>> ClaimAsync(TestDbContext db, bool inOrder)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var claimed = db.Widgets.FromSqlRaw(Claim);
        var rows = await (inOrder ? claimed.InOrder(w => w.Sequence) : claimed).AsNoTracking().ToListAsync();
        await transaction.CommitAsync();
        return rows.Select(w => w.Sequence).ToList();
    }

    /// <summary>The claim made four times (prepared on the server by then), then a column added from another connection.</summary>
    private async Task<TestDbContext> PreparedThenAlteredAsync(bool inOrder)
    {
        var (db, plain) = await DatabaseAsync();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal([0, 1, 2], await ClaimAsync(db, inOrder));
        }
        await using var migration = new NpgsqlConnection(plain);
        await migration.OpenAsync();
        await using var alter = new NpgsqlCommand("ALTER TABLE widgets ADD COLUMN added_later integer", migration);
        await alter.ExecuteNonQueryAsync();
        return db;
    }

    [Fact]
    public async Task A_claim_read_in_order_survives_a_column_added_by_another_connection()
    {
        await using var db = await PreparedThenAlteredAsync(inOrder: true);

        Assert.Equal([0, 1, 2], await ClaimAsync(db, inOrder: true));
    }

    [Fact]
    public async Task The_same_claim_sent_alone_is_refused_once_the_column_is_added()
    {
        await using var db = await PreparedThenAlteredAsync(inOrder: false);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ClaimAsync(db, inOrder: false));
        Assert.Equal(PostgresErrorCodes.FeatureNotSupported, refused.SqlState); // 0A000 cached plan must not change result type
    }
}
