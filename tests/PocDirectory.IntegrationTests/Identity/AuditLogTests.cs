using Microsoft.EntityFrameworkCore;
using Npgsql;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Audit;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Identity;

/// <summary>The audit log on a real, migrated identitydb: appended in a chain, refused any rewrite, and verified.</summary>
[Collection(ServersCollection.Name)]
public sealed class AuditLogTests(ServersFixture servers) : IAsyncLifetime
{
    private string _connectionString = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await servers.CreateDatabaseAsync("identity");
        await using var db = Context();
        await db.Database.MigrateAsync();
        foreach (var action in new[] { "token.issued", "machine-client.created", "token.refused", "machine-client.revoked" })
        {
            await AppendAsync(action);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Records_are_numbered_and_each_is_chained_to_the_one_before()
    {
        await using var db = Context();
        var entries = await db.AuditLog.OrderBy(e => e.Sequence).ToListAsync();

        Assert.Equal([1L, 2, 3, 4], entries.Select(e => e.Sequence));
        Assert.Equal(AuditEntry.Genesis, entries[0].PreviousHash);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PreviousHash);
        }
        var result = await AuditLog.VerifyAsync(db, CancellationToken.None);
        Assert.True(result.Intact);
        Assert.Equal(4, result.Records);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'someone else' WHERE sequence = 2")]
    [InlineData("DELETE FROM audit_log WHERE sequence = 2")]
    [InlineData("TRUNCATE audit_log")]
    public async Task The_database_refuses_to_change_or_remove_a_record(string sql)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(sql));
        Assert.Contains("append-only", error.MessageText);
        await using var db = Context();
        Assert.True((await AuditLog.VerifyAsync(db, CancellationToken.None)).Intact);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'someone else' WHERE sequence = 2", 2, "record 2 was altered after it was written", 2)]
    [InlineData("UPDATE audit_log SET occurred_at = occurred_at - interval '1 day' WHERE sequence = 3", 3, "record 3 was altered after it was written", 3)]
    [InlineData("DELETE FROM audit_log WHERE sequence = 2", 3, "record 2 is missing (next is 3)", 2)]
    [InlineData("DELETE FROM audit_log WHERE sequence = 4", null, null, 3)]
    public async Task A_record_changed_behind_the_triggers_back_is_found_and_named(string sql, int? brokenAt, string? problem, int records)
    {
        // The owner of the database can switch the triggers off; the chain still tells.
        await ExecuteAsync($"SET session_replication_role = replica; {sql}");

        await using var db = Context();
        var result = await AuditLog.VerifyAsync(db, CancellationToken.None);
        Assert.Equal(brokenAt, result.BrokenAt);
        Assert.Equal(problem, result.Problem);
        // Removing the newest record leaves a shorter chain that verifies: only the count tells,
        // against the last number seen by anyone who read the log before.
        Assert.Equal(records, result.Records);
    }

    private async Task AppendAsync(string action)
    {
        await using var db = Context();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await AuditLog.AppendAsync(db, new AuditRecorded
        {
            AuditId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UtcNow,
            Service = ResourceNames.Identity,
            Actor = "cert-fra",
            State = "FRA",
            Action = action,
            Outcome = AuditOutcomes.Success,
            ClientIp = "127.0.0.1",
        }, CancellationToken.None);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private PocIdentityDbContext Context() =>
        new(new DbContextOptionsBuilder<PocIdentityDbContext>().UseNpgsql(_connectionString).Options);
}
