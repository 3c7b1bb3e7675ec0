using System.Diagnostics;
using System.Net.Mail;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PocDirectory.AppHost;
using PocDirectory.Testing;
using PocDirectory.IntegrationTests.Infrastructure;

namespace PocDirectory.IntegrationTests.Hosting;

/// <summary>The AppHost's server recipes, run by Aspire, against the real servers they start.</summary>
public sealed class ServerLifecycleTests
{
    private static Task<ServerApp> SmtpSinkAsync() =>
        ServerApp.StartAsync((builder, root) => builder.AddSmtpSink("mail", LoopbackPorts.GetFreePort(), Path.Combine(root, "mail")));

    [Fact]
    public async Task The_SMTP_sink_keeps_every_message_it_accepts_in_its_Maildir()
    {
        await using var app = await SmtpSinkAsync();
        var smtp = app.Resource<SmtpSinkResource>("mail");
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
        await using var app = await SmtpSinkAsync();
        var smtp = app.Resource<SmtpSinkResource>("mail");

        Assert.StartsWith("550", await SessionAsync(smtp.Port, "someone@nowhere.invalid", "Subject: refused\r\n\r\nx\r\n.\r\n", leaveAtOnce: false));
        // The client sends the end of the data and is gone at once: the message is still delivered (and accepted).
        Assert.StartsWith("250", await SessionAsync(smtp.Port, "left@example.org", "Subject: complete\r\n\r\nbody\r\n.\r\n", leaveAtOnce: true));
        // A message without its end is never delivered, nor accepted.
        Assert.DoesNotContain("250", await SessionAsync(smtp.Port, "cut@example.org", "Subject: cut short\r\n\r\nbody without its end", leaveAtOnce: true));

        // Both sessions are over (the sink closed them): whatever it would store of them is stored.
        var stored = System.IO.Directory.GetFiles(Path.Combine(smtp.MaildirPath, "new"));
        Assert.Contains("Subject: complete", await File.ReadAllTextAsync(Assert.Single(stored)));
    }

    /// <summary>
    /// A raw SMTP session up to the data; returns the answer to RCPT TO when refused, else the answer to the data. With
    /// <paramref name="leaveAtOnce"/>, the client closes its side right after the data, before any answer, and the
    /// session returns once the server has closed its own, with all it answered meanwhile: the server is done with it.
    /// </summary>
    private static async Task<string> SessionAsync(int port, string to, string data, bool leaveAtOnce)
    {
        // Every read and write of the session within 30 s: a server that stops answering fails the test instead of hanging it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        var stream = client.GetStream();
        var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        async Task<string> SendAsync(string line)
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(line), timeout.Token);
            return await reader.ReadLineAsync(timeout.Token) ?? "";
        }
        await reader.ReadLineAsync(timeout.Token); // 220
        var ehlo = await SendAsync("HELO tests\r\n");
        Assert.StartsWith("250", ehlo);
        Assert.StartsWith("250", await SendAsync("MAIL FROM:<directory@example.org>\r\n"));
        var rcpt = await SendAsync($"RCPT TO:<{to}>\r\n");
        if (!rcpt.StartsWith("250", StringComparison.Ordinal))
        {
            return rcpt;
        }
        Assert.StartsWith("354", await SendAsync("DATA\r\n"));
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(data), timeout.Token);
        if (leaveAtOnce)
        {
            client.Client.Shutdown(SocketShutdown.Send);
            return await reader.ReadToEndAsync(timeout.Token);
        }
        return await reader.ReadLineAsync(timeout.Token) ?? "";
    }

    [Fact]
    public async Task A_server_that_is_killed_is_started_again_on_the_same_port()
    {
        var port = LoopbackPorts.GetFreePort();
        await using var app = await ServerApp.StartAsync(
            (builder, root) => builder.AddRedisServer("cache", port, Path.Combine(root, "cache")), restartCrashed: true);
        var firstPid = app.Pid("cache")!.Value;

        Process.GetProcessById(firstPid).Kill();

        await Eventually.Until(() => Task.FromResult(app.Pid("cache")), pid => pid is not null && pid != firstPid && Posix.IsRunning(pid.Value),
            TimeSpan.FromSeconds(90), "redis running again");
        await Eventually.Until(AnswersAsync, answers => answers, TimeSpan.FromSeconds(30), "redis answering on its port");
        Assert.False(Posix.IsAlive(firstPid));

        async Task<bool> AnswersAsync()
        {
            try
            {
                var redis = app.Resource<RedisServerResource>("cache");
                return await Probes.AnswersWithAsync(port, $"AUTH {redis.AdminUser} {redis.AdminPassword.LocalValue}\r\nPING\r\n", "+OK\r\n+PONG", CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task A_server_stopped_on_purpose_is_not_started_again()
    {
        await using var app = await ServerApp.StartAsync((builder, root) =>
        {
            builder.AddRedisServer("cache", LoopbackPorts.GetFreePort(), Path.Combine(root, "cache"));
            builder.AddRedisServer("marker", LoopbackPorts.GetFreePort(), Path.Combine(root, "marker"));
        }, restartCrashed: true);
        var redis = app.Resource<RedisServerResource>("cache");

        await app.StopAsync(redis);
        // The marker: a server killed after the stop is restarted after the same first delay.
        var markerPid = app.Pid("marker")!.Value;
        Process.GetProcessById(markerPid).Kill();
        await Eventually.Until(() => Task.FromResult(app.Pid("marker")), pid => pid is not null && pid != markerPid,
            TimeSpan.FromSeconds(90), "the killed marker running again");

        Assert.Null(app.Pid("cache"));
        Assert.True(LoopbackPorts.IsFree(redis.Port));
    }

    [Fact]
    public async Task PostgreSQL_data_survives_a_stop_and_a_start()
    {
        await using var app = await ServerApp.StartAsync(
            (builder, root) => builder.AddPostgresServer("postgres", LoopbackPorts.GetFreePort(), Path.Combine(root, "postgres")));
        var postgres = app.Resource<PostgresServerResource>("postgres");
        await PostgresServerBuilderExtensions.CreateDatabaseAsync(postgres, "keep");
        await ExecuteAsync(postgres, "CREATE TABLE nominations (id int primary key); INSERT INTO nominations VALUES (42);");

        await app.StopAsync(postgres);
        await app.StartAsync(postgres);

        Assert.Equal(42, await ExecuteAsync(postgres, "SELECT id FROM nominations"));
    }

    private static async Task<object?> ExecuteAsync(PostgresServerResource postgres, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.LocalConnectionString("keep") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
