using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PocDirectory.BuildingBlocks.Persistence;

public static class JsonColumns
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stores a record as one <c>jsonb</c> column, serialized with System.Text.Json's web defaults.
    /// Values are replaced whole, never changed in place.
    /// </summary>
    public static PropertyBuilder<T> HasJsonColumn<T>(this PropertyBuilder<T> property) =>
        property.HasColumnType("jsonb").HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            s => JsonSerializer.Deserialize<T>(s, Json)!);
}
