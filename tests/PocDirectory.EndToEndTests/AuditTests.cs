using Npgsql;

namespace PocDirectory.EndToEndTests;

/// <summary>Acts in one service reach the one audit log through the outbox, chained; the command verifies the chain.</summary>
[Collection(SystemCollection.Name)]
public sealed class AuditTests(SystemFixture fixture)
{
    [Fact]
    public async Task Issued_and_refused_tokens_and_administrative_acts_are_in_the_audit_log_and_the_chain_verifies()
    {
        await fixture.TokenAsync("directory.read");
        var refused = await fixture.Client.RequestTokenAsync(fixture.Gateway, "directory.read", secret: "wrong");
        Assert.False(refused.IsSuccessStatusCode);

        var records = await WaitForAsync(rows =>
            rows.Any(r => r.Action == "machine-client.created" && r.Target == "e2e-cert-fra" && r.Actor.StartsWith("operator:", StringComparison.Ordinal)) &&
            rows.Any(r => r.Action == "token.issued" && r.Actor == "e2e-cert-fra" && r.State == "FRA" && r.TraceId is { Length: 32 } && r.ClientIp is not null) &&
            rows.Any(r => r.Action == "token.refused" && r.Actor == "e2e-cert-fra" && r.Outcome == "failure" && r.Detail!.Contains("invalid_client")));
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.Sequence));

        var (exitCode, output, error) = await MachineClient.RunAsync(fixture.System, "audit", "verify");
        Assert.True(exitCode == 0, error);
        Assert.Contains("Audit log intact", output);
    }

    private sealed record Row(long Sequence, string Action, string Actor, string? State, string? Target, string Outcome, string? Detail, string? TraceId, string? ClientIp);

    private async Task<List<Row>> WaitForAsync(Func<List<Row>, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var rows = new List<Row>();
            await using (var connection = new NpgsqlConnection(fixture.System.DatabaseConnectionString(ResourceNames.IdentityDb)))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT sequence, action, actor, state, target, outcome, detail, trace_id, client_ip FROM audit_log ORDER BY sequence", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Text(reader, 3), Text(reader, 4),
                        reader.GetString(5), Text(reader, 6), Text(reader, 7), Text(reader, 8)));
                }
            }
            if (condition(rows))
            {
                return rows;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the audit log holds {rows.Count} records: {string.Join(", ", rows.Select(r => $"{r.Action}/{r.Actor}"))}");
            await Task.Delay(500);
        }
    }

    private static string? Text(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
