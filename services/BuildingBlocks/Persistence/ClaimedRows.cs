using System.Linq.Expressions;

namespace PocDirectory.BuildingBlocks.Persistence;

public static class ClaimedRows
{
    /// <summary>
    /// The rows a raw <c>SELECT * … FOR UPDATE</c> claims, read in <paramref name="order"/> (the claim's own order) through
    /// EF's list of the entity's columns: EF sends <c>SELECT t."Id", t."Status" … FROM (SELECT * …) AS t ORDER BY …</c>.
    /// That statement keeps its result's shape when a migration adds a column, so the copy an older replica prepared on
    /// the server (Npgsql's <c>Max Auto Prepare</c>) stays valid during a rolling upgrade. <c>SELECT *</c> sent alone
    /// would change shape, and be refused once per connection (<c>0A000 cached plan must not change result type</c>).
    /// </summary>
    public static IQueryable<T> InOrder<T, TKey>(this IQueryable<T> claimed, Expression<Func<T, TKey>> order) => claimed.OrderBy(order);
}
