using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using PocDirectory.BuildingBlocks.Demo;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Model;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Nominations.Demo;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;
using PocDirectory.Nominations.Workflow;

namespace PocDirectory.IntegrationTests.Nominations;

/// <summary>The demo data set on a real, migrated nominationsdb: every State listed, valid, once, and never beside real data.</summary>
[Collection(ServersCollection.Name)]
public sealed class DemoDirectoryTests(ServersFixture servers)
{
    [Fact]
    public async Task Lists_valid_invented_points_of_contact_for_every_State_once_and_refuses_a_folder_with_real_data()
    {
        var connectionString = await servers.CreateDatabaseAsync("nominations");
        await using (var db = Context(connectionString))
        {
            await db.Database.MigrateAsync();
            db.MemberStates.AddRange(MemberStateCatalog.All.Select(s => new MemberStateCopy
            {
                Iso2 = s.Iso2, Iso3 = s.Iso3, Name = s.Name, RegionalGroup = s.Group.ToString(), UnStatus = s.Status.ToString(),
            }));
            await db.SaveChangesAsync();
        }

        // Three per State: the validator accepts every invented person of every numbering plan and time zone.
        var said = await SeedAsync(connectionString, 3);
        Assert.StartsWith($"{MemberStateCatalog.All.Count * 3} invented points of contact", said);

        await using (var db = Context(connectionString))
        {
            var listed = await db.ListedPocs.AsNoTracking().ToListAsync();
            Assert.Equal(MemberStateCatalog.All.Count * 3, listed.Count);
            Assert.All(listed, p => Assert.True(DemoRoster.IsDemoAddress(p.Email), p.Email));
            Assert.Equal(listed.Count, listed.Select(p => p.Email).Distinct().Count());
            Assert.All(MemberStateCatalog.All, s => Assert.Equal(3, listed.Count(p => p.State == s.Iso3)));
            Assert.All(listed.Where(p => p.Details.Type == PocTypes.Technical), p => Assert.NotNull(p.Details.PgpKey));
            // The demo accounts' points of contact are listed under their account's address.
            Assert.All(DemoRoster.AccountStates, state => Assert.Contains(listed, p => p.State == state && p.Email == DemoRoster.PocEmail(state)));
            Assert.All(await db.Nominations.AsNoTracking().ToListAsync(), n => Assert.Equal(NominationStatus.Approved, n.Status));
            var approvedType = OutboxMessage.TypeName(typeof(PointOfContactApproved));
            Assert.Equal(listed.Count, await db.Set<OutboxMessage>().CountAsync(m => m.MessageType == approvedType));
        }

        // Again: nothing added.
        Assert.StartsWith("The demo directory exists already", await SeedAsync(connectionString, 3));
        await using (var db = Context(connectionString))
        {
            Assert.Equal(MemberStateCatalog.All.Count * 3, await db.ListedPocs.CountAsync());
        }

        // A focal point's own nomination is real data: the demo refuses to run beside it and adds nothing.
        await using (var db = Context(connectionString))
        {
            db.Nominations.Add(new Nomination
            {
                Id = Guid.NewGuid(), PocId = Guid.NewGuid(), State = "KEN", Status = NominationStatus.Draft,
                CreatedBy = Guid.NewGuid().ToString(), CreatedByName = "A real focal point", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SeedAsync(connectionString, 3));
        Assert.Contains("real nominations (KEN", refused.Message);
    }

    private static async Task<string> SeedAsync(string connectionString, int perState)
    {
        await using var db = Context(connectionString);
        var clock = TimeProvider.System;
        var desk = new NominationDesk(db, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Issuer"] = "http://localhost:1/",
        }).Build(), clock);
        return await new DemoDirectory(db, desk, clock).SeedAsync(perState, CancellationToken.None);
    }

    private static NominationsDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<NominationsDbContext>().UseNpgsql(connectionString).Options);
}
