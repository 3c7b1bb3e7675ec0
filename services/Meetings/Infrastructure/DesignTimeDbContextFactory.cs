using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace PocDirectory.Meetings.Infrastructure;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<MeetingsDbContext>
{
    public MeetingsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<MeetingsDbContext>().UseNpgsql("Host=localhost;Database=meetingsdb").Options);
}
