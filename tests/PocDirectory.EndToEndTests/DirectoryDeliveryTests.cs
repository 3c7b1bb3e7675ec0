using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PocDirectory.EndToEndTests;

/// <summary>
/// The approval reaches the Directory and Identity exactly once whatever the broker does: an approval
/// made while RabbitMQ is down is listed once it is back, and an approval delivered again (the same
/// message, or a copy under a new message id) changes nothing anywhere.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DirectoryDeliveryTests(SystemFixture fixture)
{
    private RunningSystem System => fixture.System;

    internal const string ApprovedType = "PocDirectory.Contracts.PointsOfContact.PointOfContactApproved, PocDirectory.Contracts";

    [Fact]
    public async Task An_approval_delivered_again_or_copied_under_a_new_message_id_changes_nothing()
    {
        var focalPoint = await DirectoryFlow.TokenOfAsync(System, "redeliver-fp", Roles.FocalPoint, "FRA");
        var manager = await DirectoryFlow.TokenOfAsync(System, "redeliver-dm", Roles.DirectoryManager);
        var email = TestPerson.UniqueEmail("redelivered");
        var (id, pocId) = await DirectoryFlow.NominateAsync(System, focalPoint, "FRA", "Redelivered Person", email);
        await DirectoryFlow.ConfirmAsync(System, email);
        using (var approved = await DirectoryFlow.DecideAsync(System, manager, id, "approve"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }
        // The tests of this collection run one at a time: the latest approval in the outbox is this one.
        var messageId = await ScalarAsync<Guid>(ResourceNames.NominationsDb,
            "SELECT message_id FROM outbox_messages WHERE message_type = @p ORDER BY id DESC LIMIT 1", ApprovedType);
        await DirectoryFlow.WaitForEntryAsync(System, manager, pocId, listed: true);
        await Eventually.Until(() => CountAsync(ResourceNames.IdentityDb, "SELECT count(*) FROM invitations WHERE email = @p", email), n => n == 1,
            TimeSpan.FromSeconds(60), "the point of contact invited");
        var before = await StateOfAsync(manager, pocId, email);

        // A sent row keeps no body (no contact details linger in the outbox): the message is rebuilt
        // from what was listed, and sent again under its own id (a redelivery) and under a new one
        // (a publisher that lost track of what it sent).
        using var http = DirectoryFlow.Client(System, manager);
        var entry = await http.GetFromJsonAsync<JsonElement>($"/api/directory/pocs/{pocId}");
        var version = (await http.GetFromJsonAsync<JsonElement[]>($"/api/directory/pocs/{pocId}/history"))![0];
        var body = JsonSerializer.Serialize(new
        {
            pocId,
            nominationId = id,
            state = "FRA",
            version = 1,
            details = entry.GetProperty("details"),
            submittedBy = version.GetProperty("submittedBy").GetString(),
            approvedBy = version.GetProperty("actor").GetString(),
            approvedAt = version.GetProperty("at").GetDateTimeOffset(),
        });
        await ScalarAsync<Guid>(ResourceNames.NominationsDb,
            "UPDATE outbox_messages SET body = @b::jsonb, sent_at = NULL WHERE message_id = @p::uuid RETURNING message_id", messageId.ToString(), b: body);
        var copyId = Guid.NewGuid();
        await ScalarAsync<Guid>(ResourceNames.NominationsDb,
            "INSERT INTO outbox_messages (message_id, message_type, body, occurred_at, attempts) VALUES (@p::uuid, @t, @b::jsonb, now(), 0) RETURNING message_id",
            copyId.ToString(), ApprovedType, body);

        await Eventually.Until(() => CountAsync(ResourceNames.NominationsDb,
                "SELECT count(*) FROM outbox_messages WHERE message_id IN (@p::uuid, @t::uuid) AND sent_at IS NULL", messageId.ToString(), copyId.ToString()),
            n => n == 0, TimeSpan.FromSeconds(60), "both messages published");
        foreach (var database in new[] { ResourceNames.DirectoryDb, ResourceNames.IdentityDb })
        {
            await Eventually.Until(() => CountAsync(database, "SELECT count(*) FROM inbox_messages WHERE message_id = @p::uuid", copyId.ToString()), n => n == 1,
                TimeSpan.FromSeconds(60), $"the copy handled by {database}'s consumer");
        }
        await InFlight.NothingAsync(System);

        Assert.Equal(before, await StateOfAsync(manager, pocId, email));
    }

    [Fact]
    public async Task A_nomination_approved_while_RabbitMQ_is_down_is_listed_once_it_is_back()
    {
        var focalPoint = await DirectoryFlow.TokenOfAsync(System, "outage-fp", Roles.FocalPoint, "FRA");
        var manager = await DirectoryFlow.TokenOfAsync(System, "outage-dm", Roles.DirectoryManager);
        var email = TestPerson.UniqueEmail("outage");
        var (id, pocId) = await DirectoryFlow.NominateAsync(System, focalPoint, "FRA", "Approved During Outage", email);
        await DirectoryFlow.ConfirmAsync(System, email);

        var broker = System.Resource(ResourceNames.Messaging);
        Process.GetProcessById(broker.Pid!.Value).Kill(entireProcessTree: true);
        using (var approved = await DirectoryFlow.DecideAsync(System, manager, id, "approve"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode); // the database alone takes the decision
        }
        // The supervisor notices the broker gone (within a quarter of a second of looking).
        await System.WaitUntilAsync(r => r.Single(x => x.Name == ResourceNames.Messaging) is var seen && (seen.Pid, seen.State) != (broker.Pid, "Running"),
            TimeSpan.FromSeconds(30), "RabbitMQ seen stopped");
        Assert.Equal(1, await CountAsync(ResourceNames.NominationsDb,
            "SELECT count(*) FROM outbox_messages WHERE message_type = @t AND body::text LIKE '%' || @p || '%' AND sent_at IS NULL", pocId.ToString(), ApprovedType));

        await System.WaitUntilAsync(r => r.Single(x => x.Name == ResourceNames.Messaging) is { State: "Running" } x && x.Pid != broker.Pid,
            TimeSpan.FromMinutes(2), "RabbitMQ running again");
        await DirectoryFlow.WaitForEntryAsync(System, manager, pocId, listed: true, TimeSpan.FromMinutes(2));
        await Eventually.Until(() => CountAsync(ResourceNames.IdentityDb, "SELECT count(*) FROM invitations WHERE email = @p", email), n => n == 1,
            TimeSpan.FromSeconds(60), "the point of contact invited");
        await InFlight.NothingAsync(System);

        Assert.Equal((1, 1, 1), await StateOfAsync(manager, pocId, email));
        // Every service is connected again before the next test.
        foreach (var service in new[] { ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications, ResourceNames.Meetings, ResourceNames.Identity })
        {
            using var direct = new HttpClient { BaseAddress = System.Url(service) };
            await Eventually.Until(() => GatewayFlowTests.HealthStatusAsync(direct, new Uri(direct.BaseAddress, "/health")), s => s == "Healthy",
                TimeSpan.FromMinutes(1), $"{service} healthy again");
        }
    }

    /// <summary>Versions in the entry's history, rows in the changes feed, invitations to the person.</summary>
    private async Task<(int Versions, long FeedRows, long Invitations)> StateOfAsync(string manager, Guid pocId, string email)
    {
        using var http = DirectoryFlow.Client(System, manager);
        var history = await http.GetFromJsonAsync<JsonElement[]>($"/api/directory/pocs/{pocId}/history") ?? [];
        return (history.Length,
            await CountAsync(ResourceNames.DirectoryDb, "SELECT count(*) FROM poc_changes WHERE \"PocId\" = @p::uuid", pocId.ToString()),
            await CountAsync(ResourceNames.IdentityDb, "SELECT count(*) FROM invitations WHERE email = @p", email));
    }

    private Task<long> CountAsync(string database, string sql, string p, string? t = null) => ScalarAsync<long>(database, sql, p, t);

    /// <summary>A query with its parameters @p, and @t and @b where given.</summary>
    private Task<T> ScalarAsync<T>(string database, string sql, string p, string? t = null, string? b = null)
    {
        var parameters = new List<(string, object)> { ("p", p) };
        if (t is not null)
        {
            parameters.Add(("t", t));
        }
        if (b is not null)
        {
            parameters.Add(("b", b));
        }
        return System.ScalarAsync<T>(database, sql, [.. parameters]);
    }
}
