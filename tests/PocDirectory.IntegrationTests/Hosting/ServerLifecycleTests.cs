using System.Diagnostics;
using System.Net.Mail;
using System.Net.Sockets;
using Npgsql;
using PocDirectory.AppHost.Hosting;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Hosting;

/// <summary>The AppHost's resource library against the real servers it runs.</summary>
public sealed class ServerLifecycleTests : IDisposable
{
    private readonly DirectoryInfo _root = System.IO.Directory.CreateTempSubdirectory("pocdir-hosting-");

    public void Dispose() => _root.Delete(recursive: true);

    private ServerOptions Options(string name, int port = 0) => new()
    {
        Name = name,
        DataDirectory = Path.Combine(_root.FullName, name),
        Port = port,
    };

    [Fact]
    public async Task The_SMTP_sink_keeps_every_message_it_accepts_in_its_Maildir()
    {
        await using var smtp = await SmtpSink.StartAsync(Options("mail"), CancellationToken.None);

        using (var client = new SmtpClient("127.0.0.1", smtp.Port))
        {
            await client.SendMailAsync(new MailMessage("directory@example.org", "poc@example.org", "Ping test 2026-11", "Please acknowledge."));
        }

        var stored = await Eventually.Until(
            () => Task.FromResult(System.IO.Directory.GetFiles(Path.Combine(smtp.MaildirPath, "new"))),
            files => files.Length == 1, TimeSpan.FromSeconds(30), "the stored message");
        var text = await File.ReadAllTextAsync(stored[0]);
        Assert.Contains("Subject: Ping test 2026-11", text);
        Assert.Contains("poc@example.org", text);
    }

    [Fact]
    public async Task The_SMTP_sink_refuses_the_invalid_domain_and_delivers_a_complete_message_whose_client_left_before_the_answer()
    {
        await using var smtp = await SmtpSink.StartAsync(Options("mail"), CancellationToken.None);

        Assert.StartsWith("550", await SessionAsync(smtp.Port, "someone@nowhere.invalid", "Subject: refused\r\n\r\nx\r\n.\r\n", waitForAnswer: true));
        // The client sends the end of the data and is gone at once: the message is still delivered.
        await SessionAsync(smtp.Port, "left@example.org", "Subject: complete\r\n\r\nbody\r\n.\r\n", waitForAnswer: false);
        // A message without its end is never delivered.
        await SessionAsync(smtp.Port, "cut@example.org", "Subject: cut short\r\n\r\nbody without its end", waitForAnswer: false);

        var stored = await Eventually.Until(
            () => Task.FromResult(System.IO.Directory.GetFiles(Path.Combine(smtp.MaildirPath, "new"))),
            files => files.Length >= 1, TimeSpan.FromSeconds(30), "the stored message");
        await Task.Delay(500); // the cut one would be here by now
        stored = System.IO.Directory.GetFiles(Path.Combine(smtp.MaildirPath, "new"));
        Assert.Contains("Subject: complete", await File.ReadAllTextAsync(Assert.Single(stored)));
    }

    /// <summary>A raw SMTP session up to the data; returns the answer to RCPT TO when refused, else the answer to the data (or "" if not waited for).</summary>
    private static async Task<string> SessionAsync(int port, string to, string data, bool waitForAnswer)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        async Task<string> SendAsync(string line)
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(line));
            return await reader.ReadLineAsync() ?? "";
        }
        await reader.ReadLineAsync(); // 220
        var ehlo = await SendAsync("HELO tests\r\n");
        Assert.StartsWith("250", ehlo);
        Assert.StartsWith("250", await SendAsync("MAIL FROM:<directory@example.org>\r\n"));
        var rcpt = await SendAsync($"RCPT TO:<{to}>\r\n");
        if (!rcpt.StartsWith("250", StringComparison.Ordinal))
        {
            return rcpt;
        }
        Assert.StartsWith("354", await SendAsync("DATA\r\n"));
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(data));
        if (!waitForAnswer)
        {
            client.Close();
            return "";
        }
        return await reader.ReadLineAsync() ?? "";
    }

    [Fact]
    public async Task A_supervised_server_that_is_killed_is_started_again_on_the_same_port()
    {
        await using var redis = new RedisServer(Options("cache")) { Supervised = true };
        await redis.StartAsync();
        var firstPid = redis.Pid!.Value;

        Process.GetProcessById(firstPid).Kill();

        await Eventually.Until(() => Task.FromResult((redis.State, redis.Pid)),
            s => s.State == ResourceState.Running && s.Pid is not null && s.Pid != firstPid,
            TimeSpan.FromSeconds(90), "redis running again");
        Assert.True(await Probes.AnswersWithAsync(redis.Port, "PING\r\n", "+PONG", CancellationToken.None));
        Assert.False(Posix.IsAlive(firstPid));
    }

    [Fact]
    public async Task A_server_that_dies_as_it_is_being_stopped_stays_stopped()
    {
        await using var redis = new RedisServer(Options("dying")) { Supervised = true };
        await redis.StartAsync();
        var pid = redis.Pid!.Value;

        Process.GetProcessById(pid).Kill(); // the crash and the stop race each other
        await redis.StopAsync();

        // The first automatic restart would come after 1 s: give it three.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(ResourceState.Stopped, redis.State);
        Assert.Null(redis.Pid);
        Assert.DoesNotContain(Process.GetProcessesByName("redis-server"), p => (Posix.CommandLine(p.Id) ?? "").Contains($"--port {redis.Port}"));
    }

    [Fact]
    public async Task PostgreSQL_data_survives_a_stop_and_a_start()
    {
        await using var postgres = await PostgresServer.StartAsync(Options("postgres"), fsyncOff: false, CancellationToken.None);
        await postgres.CreateDatabaseAsync("keep");
        await ExecuteAsync(postgres, "CREATE TABLE nominations (id int primary key); INSERT INTO nominations VALUES (42);");

        await postgres.StopAsync();
        Assert.Equal(ResourceState.Stopped, postgres.State);
        await postgres.StartAsync();

        Assert.Equal(42, await ExecuteAsync(postgres, "SELECT id FROM nominations"));
    }

    [Fact]
    public async Task A_server_that_cannot_start_fails_clearly_and_leaves_no_process()
    {
        using var occupied = new TcpListener(System.Net.IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((System.Net.IPEndPoint)occupied.LocalEndpoint).Port;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => RedisServer.StartAsync(Options("busy", port), CancellationToken.None));

        Assert.Contains("busy", error.Message);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", error.Message);
        Assert.DoesNotContain(Process.GetProcessesByName("redis-server"), p => (Posix.CommandLine(p.Id) ?? "").Contains($"--port {port}"));
    }

    private static async Task<object?> ExecuteAsync(PostgresServer postgres, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString("keep") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
