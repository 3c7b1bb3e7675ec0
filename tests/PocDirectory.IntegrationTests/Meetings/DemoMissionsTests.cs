using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Directory.Model;
using PocDirectory.IntegrationTests.Infrastructure;
using PocDirectory.Meetings.Demo;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Missions;

namespace PocDirectory.IntegrationTests.Meetings;

/// <summary>The demo's invented Permanent Missions on a real, migrated meetingsdb: one per State at example.org, once, and never beside real addresses.</summary>
[Collection(ServersCollection.Name)]
public sealed class DemoMissionsTests(ServersFixture servers)
{
    [Fact]
    public async Task Invents_a_mission_at_example_org_for_every_State_once_and_refuses_a_folder_with_real_addresses()
    {
        var connectionString = await servers.CreateDatabaseAsync("meetings");
        await using (var db = Context(connectionString))
        {
            await db.Database.MigrateAsync();
            db.MemberStates.AddRange(MemberStateCatalog.All.Select(s => new MemberStateCopy
            {
                Iso2 = s.Iso2, Iso3 = s.Iso3, Name = s.Name, RegionalGroup = s.Group.ToString(), UnStatus = s.Status.ToString(),
            }));
            // A mission given before, at example.org: it is kept as it is.
            db.Missions.Add(new PermanentMission { State = "KEN", Name = "The mission of Kenya", Emails = ["registry@example.org"], UpdatedBy = "manager" });
            await db.SaveChangesAsync();
        }

        Assert.Equal($"Added {MemberStateCatalog.All.Count - 1} invented Permanent Missions at example.org.", await InventAsync(connectionString));
        await using (var db = Context(connectionString))
        {
            var missions = await db.Missions.AsNoTracking().ToDictionaryAsync(m => m.State);
            Assert.Equal(195, missions.Count); // the 193 Member States and the two observer States
            Assert.Equal(MemberStateCatalog.All.Select(s => s.Iso3).Order().ToList(), missions.Keys.Order().ToList());
            Assert.All(await db.MemberStates.AsNoTracking().Where(s => s.Iso3 != "KEN").ToListAsync(), s =>
            {
                var mission = missions[s.Iso3];
                Assert.Equal([$"mission.{s.Iso2.ToLowerInvariant()}@example.org"], mission.Emails);
                Assert.Equal((PermanentMission.DefaultName(s), DemoMissions.Actor), (mission.Name, mission.UpdatedBy));
            });
            Assert.Equal("Permanent Observer Mission of the Holy See to the United Nations", missions["VAT"].Name);
            Assert.Equal(("The mission of Kenya", "manager"), (missions["KEN"].Name, missions["KEN"].UpdatedBy));
            Assert.Equal(["registry@example.org"], missions["KEN"].Emails);
        }

        // Again: nothing added.
        Assert.Equal("Added 0 invented Permanent Missions at example.org.", await InventAsync(connectionString));
        await using (var db = Context(connectionString))
        {
            Assert.Equal(195, await db.Missions.CountAsync());
        }

        // A mission with a real address: the demo refuses to run beside it and adds nothing, not even a missing mission.
        await using (var db = Context(connectionString))
        {
            (await db.Missions.SingleAsync(m => m.State == "FRA")).Emails = ["france@un.int"];
            db.Missions.Remove(await db.Missions.SingleAsync(m => m.State == "DEU"));
            await db.SaveChangesAsync();
        }
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => InventAsync(connectionString));
        Assert.Contains("real mission addresses (FRA", refused.Message);
        await using (var db = Context(connectionString))
        {
            Assert.Equal(194, await db.Missions.CountAsync());
            Assert.False(await db.Missions.AnyAsync(m => m.State == "DEU"));
            Assert.Equal(["france@un.int"], (await db.Missions.AsNoTracking().SingleAsync(m => m.State == "FRA")).Emails);
        }
    }

    private static async Task<string> InventAsync(string connectionString)
    {
        await using var db = Context(connectionString);
        return await new DemoMissions(db, TimeProvider.System).InventAsync(CancellationToken.None);
    }

    private static MeetingsDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<MeetingsDbContext>().UseNpgsql(connectionString).Options);
}
