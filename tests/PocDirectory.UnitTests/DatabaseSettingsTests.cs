using Npgsql;
using PocDirectory.BuildingBlocks.Persistence;

namespace PocDirectory.UnitTests;

public sealed class DatabaseSettingsTests
{
    [Fact]
    public void Statements_are_prepared_automatically_unless_the_connection_string_says_otherwise()
    {
        var given = "Host=127.0.0.1;Port=5432;Database=directorydb;Username=directory;Password=secret";
        var settings = new NpgsqlConnectionStringBuilder(DatabaseExtensions.WithPreparedStatements(given));
        Assert.Equal(64, settings.MaxAutoPrepare);
        Assert.Equal(("127.0.0.1", 5432, "directorydb", "directory", "secret"), (settings.Host, settings.Port, settings.Database, settings.Username, settings.Password));

        Assert.Equal(0, new NpgsqlConnectionStringBuilder(DatabaseExtensions.WithPreparedStatements(given + ";Max Auto Prepare=0")).MaxAutoPrepare);
        Assert.Equal(8, new NpgsqlConnectionStringBuilder(DatabaseExtensions.WithPreparedStatements(given + ";max auto prepare=8")).MaxAutoPrepare);
    }
}
