using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PocDirectory.IntegrationTests.Infrastructure;

/// <summary>
/// A real service in-process (named by a type of its assembly), on the collection's real servers and
/// its own database, configured as the AppHost configures it. Its start waits until the bus is up:
/// a host disposed while its bus was still starting would leave behind a consumer, on the queue it
/// shares with the next test's host, whose services are gone (every message it takes faults).
/// </summary>
public sealed class ServiceFactory<TEntryPoint>(ServersFixture servers, string databaseResource, string connectionString)
    : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    public string ConnectionString => connectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting($"ConnectionStrings:{databaseResource}", connectionString);
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Messaging}", servers.RabbitMq.AmqpUri.ToString());
        builder.UseSetting(PocDirectory.BuildingBlocks.Messaging.SealedJsonSerializer.SettingName, TestKeys.Messaging);
        // Keys only some services read (Identity's audit chain, a key-encryption key): a test key each, made for this run.
        builder.UseSetting("Audit:ChainKey", TestKeys.New());
        builder.UseSetting(KeyEncryptionKey.SettingName, TestKeys.New());
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Cache}", servers.Redis.ConnectionString);
        // No token server runs here: tests of anonymous endpoints, and of refusals, need none.
        builder.UseSetting(AuthenticationExtensions.IssuerKey, "http://127.0.0.1:9/");
        builder.ConfigureServices(services => services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true));
    }
}
