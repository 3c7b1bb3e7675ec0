using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PocDirectory.Identity.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PocIdentityDbContext>
{
    public PocIdentityDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PocIdentityDbContext>().UseNpgsql("Host=localhost;Database=identitydb").Options);
}
