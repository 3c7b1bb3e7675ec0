using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Audit;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Identity;

/// <summary>
/// The audit log on a real, migrated identitydb: appended in a keyed chain, refused any rewrite, and
/// verified, against checkpoints outside the database too.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class AuditLogTests(ServersFixture servers) : IdentityDatabaseTest(servers, "identity")
{
    private readonly byte[] _key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var action in new[] { "token.issued", "machine-client.created", "token.refused", "machine-client.revoked" })
        {
            await AppendAsync(action);
        }
    }

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
        var result = await AuditLog.VerifyAsync(db, _key, [], CancellationToken.None);
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
        Assert.True((await AuditLog.VerifyAsync(db, _key, [], CancellationToken.None)).Intact);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'someone else' WHERE sequence = 2", 2, "record 2 was altered after it was written, or written without the key", 2)]
    [InlineData("UPDATE audit_log SET occurred_at = occurred_at - interval '1 day' WHERE sequence = 3", 3, "record 3 was altered after it was written, or written without the key", 3)]
    [InlineData("UPDATE audit_log SET sender = 'PocDirectory.Identity on elsewhere' WHERE sequence = 3", 3, "record 3 was altered after it was written, or written without the key", 3)]
    [InlineData("DELETE FROM audit_log WHERE sequence = 2", 3, "record 2 is missing (next is 3)", 2)]
    [InlineData("DELETE FROM audit_log WHERE sequence = 4", null, null, 3)]
    public async Task A_record_changed_behind_the_triggers_back_is_found_and_named(string sql, int? brokenAt, string? problem, int records)
    {
        // The owner of the database can switch the triggers off; the chain still tells.
        await ExecuteAsync($"SET session_replication_role = replica; {sql}");

        await using var db = Context();
        var result = await AuditLog.VerifyAsync(db, _key, [], CancellationToken.None);
        Assert.Equal(brokenAt, result.BrokenAt);
        Assert.Equal(problem, result.Problem);
        // Without a checkpoint, removing the newest record leaves a shorter chain that verifies: the
        // checkpoints outside the database are what tell (below).
        Assert.Equal(records, result.Records);
    }

    [Fact]
    public async Task The_monitor_says_whether_the_chain_verified_and_how_long_ago_for_the_operations_alerts()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().Build();
        await using var services = new ServiceCollection()
            .AddDbContext<PocIdentityDbContext>(o => o.UseNpgsql(ConnectionString))
            .BuildServiceProvider();
        var monitor = new AuditChainMonitor(services.GetRequiredService<IServiceScopeFactory>(), new AuditCheckpointFile(configuration),
            new AuditChainKey(_key), configuration, clock, NullLogger<AuditChainMonitor>.Instance);
        Assert.Null(monitor.Intact);
        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(1200, monitor.SecondsSinceVerified); // since it was made, before the first verification

        Assert.True((await monitor.VerifyOnceAsync(CancellationToken.None)).Intact);
        Assert.Equal((true, 0.0), (monitor.Intact, monitor.SecondsSinceVerified));

        await ExecuteAsync("SET session_replication_role = replica; UPDATE audit_log SET actor = 'someone else' WHERE sequence = 2");
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.False((await monitor.VerifyOnceAsync(CancellationToken.None)).Intact);
        Assert.Equal((false, 0.0), (monitor.Intact, monitor.SecondsSinceVerified));
    }

    [Fact]
    public async Task A_checkpoint_outside_the_database_shows_records_cut_from_the_end()
    {
        var checkpoints = new List<AuditCheckpoint> { await CheckpointAsync() };
        await ExecuteAsync("SET session_replication_role = replica; DELETE FROM audit_log WHERE sequence = 4");

        await using var db = Context();
        var result = await AuditLog.VerifyAsync(db, _key, checkpoints, CancellationToken.None);
        Assert.False(result.Intact);
        Assert.Equal(4, result.BrokenAt);
        Assert.StartsWith("the log ends at record 3, but on ", result.Problem);
        Assert.EndsWith("it held record 4: records after 3 were removed", result.Problem);
    }

    [Fact]
    public async Task Without_the_key_nobody_can_add_a_record_or_rewrite_the_chain_unkeyed()
    {
        var checkpoint = await CheckpointAsync();
        await using (var db = Context())
        {
            Assert.True((await AuditLog.VerifyAsync(db, _key, [checkpoint], CancellationToken.None)).Intact);
        }

        // A record added with any other key.
        await AppendAsync("forged.append", key: System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using (var db = Context())
        {
            var forged = await AuditLog.VerifyAsync(db, _key, [checkpoint], CancellationToken.None);
            Assert.Equal((5L, "record 5 was altered after it was written, or written without the key"), (forged.BrokenAt, forged.Problem));
        }
        await ExecuteAsync("SET session_replication_role = replica; DELETE FROM audit_log WHERE sequence = 5");

        // Every record rewritten the old, unkeyed way (which anyone can compute): a valid unkeyed chain, but the
        // checkpoint says the log was keyed from its first record, and remembers its head's hash.
        await using (var db = Context())
        {
            var entries = await db.AuditLog.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
            var previous = AuditEntry.Genesis;
            foreach (var entry in entries)
            {
                entry.Chain = AuditEntry.Unkeyed;
                entry.PreviousHash = previous;
                entry.Hash = entry.ComputeHash([]);
                previous = entry.Hash;
                await ExecuteAsync($"SET session_replication_role = replica; UPDATE audit_log SET chain = 1, previous_hash = '\\x{Convert.ToHexString(entry.PreviousHash)}', hash = '\\x{Convert.ToHexString(entry.Hash)}' WHERE sequence = {entry.Sequence}");
            }
        }
        await using (var db = Context())
        {
            var rewritten = await AuditLog.VerifyAsync(db, _key, [checkpoint], CancellationToken.None);
            Assert.Equal((1L, "record 1 is not keyed, though a checkpoint saw the log keyed from record 1: it was rewritten without the key"), (rewritten.BrokenAt, rewritten.Problem));
        }
    }

    [Fact]
    public async Task A_checkpoint_not_signed_with_the_key_is_refused()
    {
        var genuine = await CheckpointAsync();
        var forged = AuditCheckpoint.Sign(genuine.Sequence, genuine.HashBytes, genuine.KeyedFrom, genuine.At, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var db = Context();
        var result = await AuditLog.VerifyAsync(db, _key, [genuine, forged], CancellationToken.None);
        Assert.StartsWith("the checkpoint of ", result.Problem);
        Assert.EndsWith("is not signed with the chain key", result.Problem);
        Assert.False((await AuditLog.VerifyAsync(db, _key, [genuine with { Sequence = 3 }], CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task Records_written_before_the_chain_was_keyed_verify_and_those_after_are_keyed_and_name_their_sender()
    {
        // A log from before: its records unkeyed, as the migration leaves them.
        var legacy = await Servers.CreateDatabaseAsync("identity_legacy");
        await using (var db = new PocIdentityDbContext(new DbContextOptionsBuilder<PocIdentityDbContext>().UseNpgsql(legacy).Options))
        {
            await db.Database.MigrateAsync();
            var previous = AuditEntry.Genesis;
            for (var sequence = 1; sequence <= 2; sequence++)
            {
                var entry = AuditEntry.Create(Record("from.before"), sequence, previous, _key, sender: null);
                entry.Chain = AuditEntry.Unkeyed;
                entry.Sender = null;
                entry.Hash = entry.ComputeHash([]);
                db.AuditLog.Add(entry);
                previous = entry.Hash;
            }
            await db.SaveChangesAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await AuditLog.AppendAsync(db, [(Record("after.keying"), "PocDirectory.Directory on host-a")], _key, CancellationToken.None);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        await using (var db = new PocIdentityDbContext(new DbContextOptionsBuilder<PocIdentityDbContext>().UseNpgsql(legacy).Options))
        {
            var entries = await db.AuditLog.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
            Assert.Equal([AuditEntry.Unkeyed, AuditEntry.Unkeyed, AuditEntry.Keyed], entries.Select(e => e.Chain));
            Assert.Equal("PocDirectory.Directory on host-a", entries[2].Sender);
            var head = (await AuditLog.HeadAsync(db, CancellationToken.None))!.Value;
            Assert.Equal((3L, 3L), (head.Sequence, head.KeyedFrom));
            var result = await AuditLog.VerifyAsync(db, _key, [AuditCheckpoint.Sign(head.Sequence, head.Hash, head.KeyedFrom, DateTimeOffset.UtcNow, _key)], CancellationToken.None);
            Assert.True(result.Intact, result.Problem);
            Assert.Equal(3, result.Records);
        }
        using var pooled = new NpgsqlConnection(legacy);
        NpgsqlConnection.ClearPool(pooled);
    }

    [Fact]
    public async Task Batches_appended_from_four_writers_at_once_keep_one_unbroken_chain_in_each_batch_s_order()
    {
        // As four replicas of Identity would: each writer appends batches of five in transactions of its own.
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var round = 0; round < 5; round++)
            {
                await using var db = Context();
                await using var transaction = await db.Database.BeginTransactionAsync();
                var batch = Enumerable.Range(0, 5).Select(i => (Record($"writer{writer}.round{round}.{i}"), (string?)$"writer {writer}")).ToList();
                await AuditLog.AppendAsync(db, batch, _key, CancellationToken.None);
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            }
        })).ToList();
        await Task.WhenAll(writers);

        await using var check = Context();
        var entries = await check.AuditLog.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 4 + 100).Select(i => (long)i), entries.Select(e => e.Sequence));
        // A batch's five records are next to each other, in its order: the lock is held from the first to the commit.
        var batches = entries.Skip(4).Chunk(5).ToList();
        Assert.All(batches, batch =>
        {
            var prefix = batch[0].Action[..^2];
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{prefix}.{i}"), batch.Select(e => e.Action));
            Assert.All(batch, e => Assert.Equal(batch[0].Sender, e.Sender));
        });
        var result = await AuditLog.VerifyAsync(check, _key, [], CancellationToken.None);
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(104, result.Records);
    }

    [Fact]
    public async Task Checkpoints_are_appended_to_their_file_and_read_back_whole()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pocdir-checkpoints-{Guid.NewGuid():N}", "checkpoints.jsonl");
        var file = new AuditCheckpointFile(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [AuditCheckpointFile.ConfigurationKey] = path }).Build());
        Assert.Empty(file.ReadAll());
        var first = await CheckpointAsync();
        file.Append(first);
        await AppendAsync("later");
        var second = await CheckpointAsync();
        file.Append(second);
        Assert.Equal([first, second], file.ReadAll());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path)); // for its owner alone
        }
        await using var db = Context();
        Assert.True((await AuditLog.VerifyAsync(db, _key, file.ReadAll(), CancellationToken.None)).Intact);
        File.AppendAllText(path, "not json\n");
        Assert.Throws<InvalidDataException>(() => file.ReadAll());
        System.IO.Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    private async Task<AuditCheckpoint> CheckpointAsync()
    {
        await using var db = Context();
        var head = (await AuditLog.HeadAsync(db, CancellationToken.None))!.Value;
        return AuditCheckpoint.Sign(head.Sequence, head.Hash, head.KeyedFrom, DateTimeOffset.UtcNow, _key);
    }

    private static AuditRecorded Record(string action) => new()
    {
        AuditId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        Service = ResourceNames.Identity,
        Actor = "cert-fra",
        State = "FRA",
        Action = action,
        Outcome = AuditOutcomes.Success,
        ClientIp = "127.0.0.1",
    };

    private async Task AppendAsync(string action, byte[]? key = null)
    {
        await using var db = Context();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await AuditLog.AppendAsync(db, [(Record(action), "PocDirectory.IntegrationTests on this machine")], key ?? _key, CancellationToken.None);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
