using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PocDirectory.Nominations.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<NominationsDbContext>
{
    public NominationsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<NominationsDbContext>().UseNpgsql("Host=localhost;Database=nominationsdb").Options);
}
