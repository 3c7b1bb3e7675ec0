using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Contracts.MemberStates;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Nominations.Infrastructure;

namespace PocDirectory.IntegrationTests.Directory;

/// <summary>
/// Directory → outbox → RabbitMQ → Nominations, with both real services in-process: a service that
/// starts with an empty copy asks for one and receives every State.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class MemberStateCopyTests(ServersFixture servers)
{
    [Fact]
    public async Task A_service_with_an_empty_copy_receives_every_State_from_the_Directory_once()
    {
        await using var directory = new ServiceFactory<DirectoryDbContext>(servers, ResourceNames.DirectoryDb, await servers.CreateDatabaseAsync("directory"));
        directory.CreateClient(); // starts it, so its queue exists before anyone asks
        var nominationsDb = await servers.CreateDatabaseAsync("nominations");

        await using (var nominations = new ServiceFactory<NominationsDbContext>(servers, ResourceNames.NominationsDb, nominationsDb))
        {
            var client = nominations.CreateClient();
            var copy = await Eventually.Until(() => CopyAsync(nominations.Services),
                states => states.Count == 195, TimeSpan.FromMinutes(2), "the copy of 195 States");
            Assert.Contains(copy, s => s is { Iso2: "FJ", Iso3: "FJI", Name: "Fiji", RegionalGroup: "AsiaPacific", UnStatus: "Member" });

            // The copy's diagnostic endpoint, like every endpoint not marked anonymous, wants a token.
            var anonymous = await client.GetAsync("/api/nominations/member-states");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        }

        // Started again with a full copy, it does not ask again.
        await using (var again = new ServiceFactory<NominationsDbContext>(servers, ResourceNames.NominationsDb, nominationsDb))
        {
            again.CreateClient();
            var bootstrapper = again.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
                .OfType<MemberStateCopyBootstrapper<NominationsDbContext>>().Single();
            Assert.False(await bootstrapper.Checked.WaitAsync(TimeSpan.FromSeconds(90)));
            await using var scope = again.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
            var requestType = OutboxMessage.TypeName(typeof(MemberStateCopyRequested));
            Assert.Equal(1, await db.Set<OutboxMessage>().CountAsync(m => m.MessageType == requestType));
            Assert.Equal(195, await db.Set<MemberStateCopy>().CountAsync());
        }
    }

    /// <summary>
    /// A copy that holds only some States (its queue was bound while the Directory was publishing its
    /// list, so the first ones never reached it) is asked for again at the next start, and completed.
    /// </summary>
    [Fact]
    public async Task A_service_with_a_partial_copy_asks_again_and_gets_every_State()
    {
        await using var directory = new ServiceFactory<DirectoryDbContext>(servers, ResourceNames.DirectoryDb, await servers.CreateDatabaseAsync("directory"));
        directory.CreateClient();
        var nominationsDb = await servers.CreateDatabaseAsync("nominations");
        await using (var first = new ServiceFactory<NominationsDbContext>(servers, ResourceNames.NominationsDb, nominationsDb))
        {
            first.CreateClient();
            await Eventually.Until(() => CopyAsync(first.Services), states => states.Count == 195, TimeSpan.FromMinutes(2), "the first copy");
            await using var scope = first.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
            // The States from A to L never arrived.
            await db.Set<MemberStateCopy>().Where(s => string.Compare(s.Iso3, "M") < 0).ExecuteDeleteAsync();
            Assert.InRange(await db.Set<MemberStateCopy>().CountAsync(), 1, 192);
        }

        await using var again = new ServiceFactory<NominationsDbContext>(servers, ResourceNames.NominationsDb, nominationsDb);
        again.CreateClient();
        var bootstrapper = again.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
            .OfType<MemberStateCopyBootstrapper<NominationsDbContext>>().Single();
        Assert.True(await bootstrapper.Checked.WaitAsync(TimeSpan.FromSeconds(90)));
        var copy = await Eventually.Until(() => CopyAsync(again.Services), states => states.Count == 195, TimeSpan.FromMinutes(2), "the copy completed");
        Assert.Contains(copy, s => s is { Iso3: "FJI", Name: "Fiji" });
    }

    /// <summary>
    /// The request is lost (here: purged from the Directory's queue before any Directory read it). The
    /// service, its copy still empty, asks again and gets its copy.
    /// </summary>
    [Fact]
    public async Task A_service_whose_request_came_to_nothing_asks_again()
    {
        // The queue is shared by every Nominations host of the run: States the Directories of earlier tests published while
        // no Nominations host ran wait in it, and would fill this copy before the second request. None is left for this one.
        await PurgeAsync($"{ResourceNames.Nominations}-member-state-published");
        var nominationsDb = await servers.CreateDatabaseAsync("nominations");
        await using var nominations = new ServiceFactory<NominationsDbContext>(servers, ResourceNames.NominationsDb, nominationsDb)
            .WithWebHostBuilder(b => b.UseSetting("ReferenceData:RecheckInterval", "00:00:03"));
        nominations.CreateClient();
        var requestType = OutboxMessage.TypeName(typeof(MemberStateCopyRequested));
        async Task<int> SentRequestsAsync()
        {
            await using var scope = nominations.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
            return await db.Set<OutboxMessage>().CountAsync(m => m.MessageType == requestType && m.SentAt != null);
        }

        await Eventually.Until(SentRequestsAsync, n => n >= 1, TimeSpan.FromMinutes(1), "the first request sent");
        await PurgeAsync("directory-member-state-copy-requested");
        // Nobody answered: it asks again by itself (before any Directory runs, so that nothing else can fill the copy first).
        await Eventually.Until(SentRequestsAsync, n => n >= 2, TimeSpan.FromMinutes(1), "a second request sent");
        Assert.Empty(await CopyAsync(nominations.Services));

        await using var directory = new ServiceFactory<DirectoryDbContext>(servers, ResourceNames.DirectoryDb, await servers.CreateDatabaseAsync("directory"));
        directory.CreateClient();
        await Eventually.Until(() => CopyAsync(nominations.Services),
            states => states.Count == 195, TimeSpan.FromMinutes(2), "the copy of 195 States");
    }

    private static async Task<List<MemberStateCopy>> CopyAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NominationsDbContext>().Set<MemberStateCopy>().AsNoTracking().ToListAsync();
    }

    private async Task PurgeAsync(string queue)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = servers.RabbitMq.AmqpUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false); // as MassTransit declares it
        await channel.QueuePurgeAsync(queue);
    }
}
