using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace PocDirectory.BuildingBlocks.Persistence;

/// <summary>
/// Inserts many new rows of one entity with PostgreSQL's binary COPY (Npgsql's importer), on the context's connection and
/// inside its current transaction: thousands of rows in one statement, where EF Core's change tracker and batched INSERTs
/// took seconds (a ping test's 10,000 recipients and their links). Table and columns come from the EF model, each value's
/// type from its CLR type (as for a parameter), so the rows land as <c>SaveChanges</c> would write them; they are not
/// tracked. Refused outside a transaction, where the copy and the rest of the change would commit apart.
/// </summary>
public static class CopyInsert
{
    public static async Task CopyInsertAsync<TEntity>(this DbContext db, IReadOnlyCollection<TEntity> rows, CancellationToken ct)
        where TEntity : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        var entity = db.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not an entity of {db.GetType().Name}.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        if (entity.GetComplexProperties().Any() || entity.GetNavigations().Any(n => n.TargetEntityType.IsOwned()))
        {
            throw new NotSupportedException($"{typeof(TEntity).Name} has complex or owned properties: insert it with SaveChanges.");
        }
        var columns = entity.GetProperties()
            .Select(p => (Property: p, Column: p.GetColumnName(table)!, Converter: p.GetTypeMapping().Converter))
            .ToList();
        foreach (var (property, _, converter) in columns)
        {
            if (property.ValueGenerated != ValueGenerated.Never)
            {
                throw new NotSupportedException($"{typeof(TEntity).Name}.{property.Name} is filled in on insert: insert it with SaveChanges.");
            }
            var provider = Nullable.GetUnderlyingType(converter?.ProviderClrType ?? property.ClrType) ?? converter?.ProviderClrType ?? property.ClrType;
            var storeType = property.GetColumnType();
            if (!WrittenAs.TryGetValue(provider, out var types) || !types.Any(t => storeType.StartsWith(t, StringComparison.Ordinal)))
            {
                throw new NotSupportedException($"{typeof(TEntity).Name}.{property.Name} ({provider.Name} as {storeType}) is not one of the types copied as SaveChanges writes them: insert it with SaveChanges.");
            }
        }

        // Only inside a transaction do the copied rows and the rest of the change (SaveChanges) commit together.
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException($"Copying {typeof(TEntity).Name} rows needs a transaction: begin one around the whole change.");
        }
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var name = table.Schema is { } schema ? $"{Quote(schema)}.{Quote(table.Name)}" : Quote(table.Name);
        var command = $"COPY {name} ({string.Join(", ", columns.Select(c => Quote(c.Column)))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(command, ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var (property, _, converter) in columns)
            {
                var value = property.GetGetter().GetClrValue(row);
                if (converter is not null && value is not null)
                {
                    value = converter.ConvertToProvider(value);
                }
                if (value is null)
                {
                    await importer.WriteNullAsync(ct);
                }
                else
                {
                    // The column's type follows from the value's (text for character columns, uuid, bytea, timestamptz…).
                    await importer.WriteAsync(value, ct);
                }
            }
        }
        await importer.CompleteAsync(ct);
    }

    /// <summary>
    /// The CLR types whose values Npgsql writes, inferred from the value alone, as the column's type (the store types
    /// EF Core maps them to): anything else (a DateTime, whose kind decides its type; JSON; an enum) is refused.
    /// </summary>
    private static readonly Dictionary<Type, string[]> WrittenAs = new()
    {
        [typeof(string)] = ["text", "character varying", "character("],
        [typeof(Guid)] = ["uuid"],
        [typeof(byte[])] = ["bytea"],
        [typeof(bool)] = ["boolean"],
        [typeof(short)] = ["smallint"],
        [typeof(int)] = ["integer"],
        [typeof(long)] = ["bigint"],
        [typeof(double)] = ["double precision"],
        [typeof(decimal)] = ["numeric"],
        [typeof(DateTimeOffset)] = ["timestamp with time zone"],
    };

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
