using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Directory;

/// <summary>The real Directory service in-process, on the collection's real servers and its own database.</summary>
public sealed class DirectoryFactory(ServersFixture servers, string connectionString) : WebApplicationFactory<DirectoryDbContext>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting($"ConnectionStrings:{ResourceNames.DirectoryDb}", connectionString);
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Messaging}", servers.RabbitMq.AmqpUri.ToString());
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Cache}", servers.Redis.ConnectionString);
    }
}
