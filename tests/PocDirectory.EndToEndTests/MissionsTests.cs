using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PocDirectory.EndToEndTests;

/// <summary>The Permanent Missions, addressees of the Chair's letters, kept by the directory manager through the gateway.</summary>
[Collection(SystemCollection.Name)]
public sealed class MissionsTests(SystemFixture fixture)
{
    [Fact]
    public async Task The_directory_manager_sets_missions_one_by_one_and_from_a_file_and_the_Chairs_office_reads_every_States()
    {
        var system = fixture.System;
        using var manager = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "missions-dm", Roles.DirectoryManager));
        using var chair = DirectoryFlow.Client(system, await DirectoryFlow.TokenOfAsync(system, "missions-chair", Roles.ChairOffice));
        var unique = Guid.NewGuid().ToString("N")[..8];

        var france = await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/FRA",
            new { emails = new[] { $"france.{unique}@un.example.org", $"cyber.{unique}@un.example.org" } }), HttpStatusCode.OK);
        Assert.Equal("Permanent Mission of France to the United Nations", france.GetProperty("name").GetString());
        // A change made from a revision someone else has changed since is refused, not written over it.
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PutAsJsonAsync("/api/meetings/missions/FRA",
            new { emails = new[] { $"other.{unique}@un.example.org" }, revision = france.GetProperty("revision").GetInt32() - 1 })).StatusCode);

        var refused = await MeetingsFlow.JsonAsync(await manager.PutAsJsonAsync("/api/meetings/missions/KEN", new { emails = new[] { "kenya at un" } }), HttpStatusCode.BadRequest);
        Assert.Equal("'kenya at un' is not an e-mail address.", refused.GetProperty("errors").GetProperty("emails")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PutAsJsonAsync("/api/meetings/missions/ATL", new { emails = new[] { "a@example.org" } })).StatusCode);

        var csv = $"state,name,emails\nNE,,niger.{unique}@un.example.org\nVAT,,holysee.{unique}@un.example.org;vatican.{unique}@un.example.org\nATL,Atlantis,a@example.org\nKEN,,\n";
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        var report = await MeetingsFlow.JsonAsync(await manager.PostAsync("/api/meetings/missions/import", content), HttpStatusCode.OK);
        Assert.Equal((2, 2), (report.GetProperty("added").GetInt32() + report.GetProperty("updated").GetInt32(), report.GetProperty("refused").GetInt32()));
        Assert.Equal([("NER", "added"), ("VAT", "added"), ("ATL", "refused"), ("KEN", "refused")],
            report.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("state").GetString()!, r.GetProperty("outcome").GetString()!))
                .Select(r => (r.Item1, r.Item2 == "updated" ? "added" : r.Item2)));

        var missions = await MeetingsFlow.JsonAsync(await chair.GetAsync("/api/meetings/missions"), HttpStatusCode.OK);
        Assert.Equal(195, missions.GetArrayLength());
        var byState = missions.EnumerateArray().ToDictionary(m => m.GetProperty("state").GetString()!);
        Assert.Equal(2, byState["FRA"].GetProperty("emails").GetArrayLength());
        Assert.Equal("Permanent Mission of the Niger to the United Nations", byState["NER"].GetProperty("name").GetString());
        Assert.Equal("Permanent Observer Mission of the Holy See to the United Nations", byState["VAT"].GetProperty("name").GetString());

        // The file's name is checked: JSON is not a list of missions.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await manager.PostAsJsonAsync("/api/meetings/missions/import", new { state = "FRA" })).StatusCode);
    }
}
