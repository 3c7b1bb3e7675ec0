using PocDirectory.BuildingBlocks.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PocDirectory.BuildingBlocks.Messaging;

namespace PocDirectory.BuildingBlocks.Persistence;

public static class DatabaseExtensions
{
    /// <summary>
    /// The service's own PostgreSQL database (<c>ConnectionStrings__{connectionName}</c>) with EF Core,
    /// the outbox wake-up interceptor, a readiness check and Npgsql's traces and metrics.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        var connectionString = WithPreparedStatements(builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings__{connectionName} is not set."));

        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxSignalInterceptor>();
        builder.Services.AddDbContext<TContext>((services, options) => options
            .UseNpgsql(connectionString)
            .AddInterceptors(services.GetRequiredService<OutboxSignalInterceptor>()));
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<TContext>(connectionName, tags: [ServiceDefaultsExtensions.ReadyTag]);
        builder.Services.AddAuditTrail<TContext>(); // for endpoints audited after they answer (AuditedEndpoints.Audited)
        var otel = builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddNpgsqlInstrumentation());
        if (TelemetryExtensions.IsOtlpConfigured(builder))
        {
            otel.WithTracing(tracing => tracing.AddNpgsql());
        }
        return builder;
    }

    /// <summary>
    /// The connection string with Npgsql's automatic preparation on (<c>Max Auto Prepare</c>, unless it says otherwise):
    /// a statement a connection runs again and again (an acknowledgement's, the inbox's, the outbox's) is prepared on
    /// the server once, so PostgreSQL no longer parses and plans it on every call. Prepared statements live with their
    /// pooled connection.
    /// </summary>
    public static string WithPreparedStatements(string connectionString)
    {
        // Npgsql's own builder says it "contains" every keyword it knows: the string as given says what was set.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            return connectionString;
        }
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64 }.ConnectionString;
    }

    /// <summary>The advisory lock under which replicas take turns to migrate (one per database: locks are per database).</summary>
    private const string MigrationLock = "pocdirectory-migrations";

    /// <summary>
    /// Applies pending migrations before the service takes traffic or messages. Replicas starting
    /// together take turns under a PostgreSQL advisory lock. Waits for the server
    /// for up to <paramref name="timeout"/> (default one minute).
    /// </summary>
    public static async Task MigrateDatabaseAsync<TContext>(this IHost app, TimeSpan? timeout = null)
        where TContext : DbContext
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Migrations");
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromMinutes(1));
        while (true)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            try
            {
                // One replica at a time: EF Core's own lock is taken only once its history table exists, so two
                // replicas starting on an empty database both created the first tables (42P07, one crashed).
                await db.Database.OpenConnectionAsync();
                try
                {
                    await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(hashtext('" + MigrationLock + "'))");
                    try
                    {
                        await db.Database.MigrateAsync();
                    }
                    finally
                    {
                        // A pooled connection keeps its session: let go explicitly (a broken one lets go with its session).
                        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(hashtext('" + MigrationLock + "'))");
                    }
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();
                }
                logger.LogInformation("Database of {Context} is up to date", typeof(TContext).Name);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && DateTimeOffset.UtcNow < deadline)
            {
                logger.LogWarning("Database not reachable yet ({Error}); retrying", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}
