using Microsoft.EntityFrameworkCore;
using Npgsql;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Identity;

/// <summary>A test on a real identitydb of its own, migrated as Identity migrates it, its connections cleared when it ends.</summary>
public abstract class IdentityDatabaseTest(ServersFixture servers, string prefix) : IAsyncLifetime
{
    protected ServersFixture Servers { get; } = servers;

    protected string ConnectionString { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await Servers.CreateDatabaseAsync(prefix);
        await using var db = Context();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        // Its database's idle connections go now, not minutes later: the suite shares one server's connection limit.
        using var connection = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(connection);
        return Task.CompletedTask;
    }

    protected PocIdentityDbContext Context() =>
        new(new DbContextOptionsBuilder<PocIdentityDbContext>().UseNpgsql(ConnectionString).Options);
}
